"""Timeslot grids: which cell of a week a local time falls in.

A band is written "HH:MM-HH:MM", both ends inclusive to the minute, as people read
them on the paper grids ("08:00-11:59"). The bands of a grid are scheme data.
"""

from dataclasses import dataclass
from datetime import datetime, time

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

CUSTODY_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
ANIMAL_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "weekend")
OUTSIDE = "outside"

DEFAULT_CUSTODY_BANDS = ["00:00-07:59", "08:00-11:59", "12:00-15:59", "16:00-19:59", "20:00-23:59"]
DEFAULT_ANIMAL_BANDS = ["07:00-12:59", "15:00-19:59"]
DEFAULT_HANDOVER_WINDOWS = ["06:30-07:15", "18:30-19:15"]


def parse_band(label: str) -> tuple[time, time]:
    try:
        start, end = label.split("-")
        start_t, end_t = time.fromisoformat(start), time.fromisoformat(end)
    except (ValueError, AttributeError):
        raise ValidationError(gettext("%(band)r is not a band like '08:00-11:59'.") % {"band": label}) from None
    if len(start) != 5 or len(end) != 5:
        raise ValidationError(gettext("%(band)r is not a band like '08:00-11:59'.") % {"band": label})
    return start_t, end_t


def minutes(t: time) -> int:
    return t.hour * 60 + t.minute


def validate_bands(labels, *, whole_day: bool) -> None:
    """Bands must be ordered and not overlap; a custody grid must also cover the whole day."""
    if not isinstance(labels, list) or not labels:
        raise ValidationError(gettext("Give a non-empty list of bands like '08:00-11:59'."))
    spans = [parse_band(label) for label in labels]
    for start, end in spans:
        if minutes(end) < minutes(start):
            raise ValidationError(gettext("A band must end after it starts: %(start)s-%(end)s.") % {"start": f"{start:%H:%M}", "end": f"{end:%H:%M}"})
    for (_, prev_end), (next_start, _) in zip(spans, spans[1:]):
        if minutes(next_start) <= minutes(prev_end):
            raise ValidationError(gettext("Bands must be in order and must not overlap."))
    if whole_day:
        covered = [(minutes(s), minutes(e)) for s, e in spans]
        if covered[0][0] != 0 or covered[-1][1] != 23 * 60 + 59 or any(
            b[0] != a[1] + 1 for a, b in zip(covered, covered[1:])
        ):
            raise ValidationError(gettext("Custody bands must cover the whole day, 00:00 to 23:59, without gaps."))


def validate_windows(labels) -> None:
    if not isinstance(labels, list):
        raise ValidationError(gettext("Give a list of windows like '06:30-07:15'."))
    for label in labels:
        start, end = parse_band(label)
        if minutes(end) < minutes(start):
            raise ValidationError(gettext("A window must end after it starts: %(window)s.") % {"window": label})


@dataclass(frozen=True)
class Grid:
    name: str
    days: tuple[str, ...]
    bands: tuple[str, ...]
    has_outside: bool

    def day_index(self, local: datetime) -> int:
        return min(local.weekday(), len(self.days) - 1)

    def band_index(self, local: datetime) -> int | None:
        """Index of the band holding this local time, or None when it is outside every band."""
        at = local.hour * 60 + local.minute
        for index, label in enumerate(self.bands):
            start, end = parse_band(label)
            if minutes(start) <= at <= minutes(end):
                return index
        return None

    def cell_for(self, local: datetime) -> tuple[int, int | None]:
        return self.day_index(local), self.band_index(local)

    def label(self, day: int, band: int | None) -> dict:
        return {"day": self.days[day], "band": OUTSIDE if band is None else self.bands[band]}

    def cells(self) -> list[tuple[int, int]]:
        return [(d, b) for d in range(len(self.days)) for b in range(len(self.bands))]


def custody_grid(scheme) -> Grid:
    return Grid("custody-weekly", CUSTODY_DAYS, tuple(scheme.custody_bands), has_outside=False)


def animal_grid(scheme) -> Grid:
    return Grid("animal-monthly", ANIMAL_DAYS, tuple(scheme.animal_bands), has_outside=True)


def overlaps(band: str, window: str) -> bool:
    """Whether a handover window overlaps a band (both inclusive to the minute)."""
    b_start, b_end = parse_band(band)
    w_start, w_end = parse_band(window)
    return minutes(b_start) <= minutes(w_end) and minutes(w_start) <= minutes(b_end)
