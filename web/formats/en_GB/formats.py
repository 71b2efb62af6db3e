"""English (UK) on the desk: day month year and the 24-hour clock, as custody records write them."""

DATE_FORMAT = "j M Y"  # 1 Dec 2026
TIME_FORMAT = "H:i"  # 14:05
DATETIME_FORMAT = "j M Y, H:i"  # 1 Dec 2026, 14:05
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
FIRST_DAY_OF_WEEK = 1
