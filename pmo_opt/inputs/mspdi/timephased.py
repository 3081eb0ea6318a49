"""Work per calendar month: an assignment's timephased work where the file has it, else its work
spread over its working days (Monday to Friday) between start and finish. The total is always
the assignment's own work (or remaining work), so no minute is lost by the spreading."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from pmo_opt.inputs.mspdi.schedule import ACTUAL_WORK, REMAINING_WORK, Assignment

#: calendar months as integers (year * 12 + month - 1), as in :mod:`pmo_opt.inputs.months`
Month = int


def month_of(moment: dt.datetime) -> Month:
    """The calendar month a moment falls in, as a month ordinal."""
    return moment.year * 12 + moment.month - 1


def spread(
    start: dt.datetime, finish: dt.datetime, day_start: dt.time, day_finish: dt.time
) -> dict[Month, float]:
    """Weights per month of the working time between ``start`` and ``finish``.

    Working time is each Monday to Friday from ``day_start`` to ``day_finish``; where a span
    holds none (weekend work, a night shift, a zero-length span) its weekdays count, then
    its calendar days, then its first month takes it all.
    """
    if finish <= start:
        return {month_of(start): 1.0}
    hours: dict[Month, float] = defaultdict(float)
    days: dict[Month, float] = defaultdict(float)
    every: dict[Month, float] = defaultdict(float)
    day = start.date()
    while day <= finish.date():
        month = day.year * 12 + day.month - 1
        every[month] += 1
        if day.weekday() < 5:
            days[month] += 1
            low = max(start, dt.datetime.combine(day, day_start))
            high = min(finish, dt.datetime.combine(day, day_finish))
            if high > low:
                hours[month] += (high - low).total_seconds()
        day += dt.timedelta(days=1)
    for weights in (hours, days, every):
        if sum(weights.values()) > 0:
            return dict(weights)
    return {month_of(start): 1.0}


def monthly_minutes(
    a: Assignment,
    day_start: dt.time,
    day_finish: dt.time,
    as_of: Month | None = None,
) -> tuple[dict[Month, float], str]:
    """An assignment's work per calendar month, and where its shape came from.

    Parameters
    ----------
    a
        The assignment.
    day_start, day_finish
        The file's working day (DefaultStartTime, DefaultFinishTime).
    as_of
        When given, only the remaining work, none of it before this month (remaining work
        the schedule still shows in the past is due now, so it lands in ``as_of``).

    Returns
    -------
    dict, str
        Minutes per month (adding up to the assignment's work, or remaining work); and
        ``'timephased'`` or ``'spread'``.
    """
    total = a.work if as_of is None else a.remaining
    if total <= 0:
        return {}, "none"
    kinds = (REMAINING_WORK, ACTUAL_WORK) if as_of is None else (REMAINING_WORK,)
    shape: dict[Month, float] = defaultdict(float)
    source = "timephased"
    for seg in a.segments:
        if seg.kind in kinds:
            for month, weight in _normalised(spread(seg.start, seg.finish, day_start, day_finish)):
                shape[month] += seg.minutes * weight
    if not shape:
        source = "spread"
        start = a.start or a.finish
        finish = a.finish or a.start
        if start is None or finish is None:
            return {}, "undated"
        if as_of is not None:
            cut = dt.datetime(as_of // 12, as_of % 12 + 1, 1)
            start, finish = max(start, cut), max(finish, cut)
        for month, weight in _normalised(spread(start, finish, day_start, day_finish)):
            shape[month] += weight
    if as_of is not None:  # overdue remaining work is due in the as-of month
        late = sum(v for m, v in shape.items() if m < as_of)
        shape = defaultdict(float, {m: v for m, v in shape.items() if m >= as_of})
        if late:
            shape[as_of] += late
    scale = total / sum(shape.values())
    return {m: v * scale for m, v in sorted(shape.items())}, source


def _normalised(weights: dict[Month, float]) -> list[tuple[Month, float]]:
    total = sum(weights.values())
    return [(m, w / total) for m, w in sorted(weights.items())]
