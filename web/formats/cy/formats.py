"""Welsh on the desk: day month year and the 24-hour clock, as in English. The month is written in
full ("1 Rhagfyr 2026"): Welsh has no abbreviations of the months that readers expect."""

DATE_FORMAT = "j F Y"  # 1 Rhagfyr 2026
TIME_FORMAT = "H:i"  # 14:05
DATETIME_FORMAT = "j F Y, H:i"  # 1 Rhagfyr 2026, 14:05
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
FIRST_DAY_OF_WEEK = 1
