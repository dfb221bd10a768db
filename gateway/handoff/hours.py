"""Opening hours of the staffed chat, e.g. "Mo-Fr 09:00-17:00, Sa 10:00-14:00"."""

import re
from dataclasses import dataclass
from datetime import datetime, time

DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
DAY = "(Mo|Tu|We|Th|Fr|Sa|Su)"
PART = re.compile(rf"^{DAY}(?:-{DAY})? (\d\d):(\d\d)-(\d\d):(\d\d)$")


@dataclass(frozen=True)
class OpeningSpan:
    days: frozenset[int]  # 0 = Monday
    start: time
    end_minutes: int  # minutes after midnight; 1440 allows "24:00"


def parse_opening_hours(spec: str) -> tuple[OpeningSpan, ...]:
    """Parse the setting; a ValueError names the part that is wrong."""
    spans = []
    for part in (p.strip() for p in spec.split(",")):
        match = PART.match(part)
        if not match:
            raise ValueError(f"opening hours: cannot read {part!r} (use e.g. 'Mo-Fr 09:00-17:00')")
        first, last, h1, m1, h2, m2 = match.groups()
        a, b = DAYS.index(first), DAYS.index(last or first)
        days = frozenset(range(a, b + 1)) if a <= b else frozenset([*range(a, 7), *range(0, b + 1)])
        end = int(h2) * 60 + int(m2)
        start = time(int(h1), int(m1))
        if end > 1440 or end <= start.hour * 60 + start.minute:
            raise ValueError(f"opening hours: {part!r} must end after it starts, by 24:00")
        spans.append(OpeningSpan(days, start, end))
    return tuple(spans)


def is_open(spans: tuple[OpeningSpan, ...], moment: datetime) -> bool:
    minutes = moment.hour * 60 + moment.minute
    return any(
        moment.weekday() in span.days
        and span.start.hour * 60 + span.start.minute <= minutes < span.end_minutes
        for span in spans
    )
