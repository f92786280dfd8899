"""Taiwan working days, for "not closed within 7 working days" (逾七個工作日未結案, §6.4).

Weekends and Taiwan's national holidays (the ``holidays`` package's TW calendar) are not
working days. A ticket raised on day D is overdue once the end of the Nth working day after
D has passed (the day it was raised does not count).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays

from desktop.models.timeutil import TAIPEI


@lru_cache(maxsize=16)
def _calendar(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("TW", years=[year - 1, year, year + 1])


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a Taiwan national holiday."""
    return day.weekday() < 5 and day not in _calendar(day.year)


def overdue_after(raised_at: float, working_days: int = 7) -> float:
    """Epoch seconds after which a ticket raised at ``raised_at`` is overdue."""
    day = datetime.fromtimestamp(raised_at, TAIPEI).date()
    counted = 0
    while counted < working_days:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return datetime.combine(day + timedelta(days=1), time(0, 0), TAIPEI).timestamp()


def is_overdue(raised_at: float, closed_at: float | None, now: float, working_days: int = 7) -> bool:
    """Whether a ticket is (or was, when it closed) past its working-day deadline."""
    end = closed_at if closed_at is not None else now
    return end >= overdue_after(raised_at, working_days)
