"""The team's time zone: how naive timestamps are read and where calendar days, weeks, months and hours fall.

Timestamps are stored in UTC everywhere (ingest, ``tags.parquet``, ``root_causes.json``). A support team in
Shanghai, however, reads "Monday 09:00" and "October" on its own clock: a chat at 07:00 on 1 November
Beijing time is 23:00 on 31 October in UTC, and the weekday × hour chart of a UTC calendar puts the morning
peak at 01:00. ``IngestConfig.timezone`` (``--timezone``; an IANA name such as ``Asia/Shanghai``, default
``UTC``) therefore decides two things:

* at ingest, the zone of timestamps written without an offset (``2026-10-01 09:30``); values with an offset
  (``+08:00``, ``Z``, ``GMT+8``) or epoch numbers are instants already and are only converted;
* in reports and trends, the calendar: days, ISO weeks (Monday first), months and hours of day.

Durations (the 28-day growth windows) do not depend on the zone.

Example:
    >>> import pandas as pd
    >>> ts = pd.Series(pd.to_datetime(["2026-10-31T23:30:00Z"], utc=True))
    >>> str(to_local(ts, "Asia/Shanghai").iloc[0])
    '2026-11-01 07:30:00+08:00'
"""

from __future__ import annotations

import re
import zoneinfo
from typing import Final

import numpy as np
import pandas as pd

from voc_miner.errors import ConfigError

__all__ = ["DEFAULT_TIMEZONE", "check_timezone", "localize", "localize_wall_clock", "month_bounds", "to_local"]

DEFAULT_TIMEZONE: Final = "UTC"


def check_timezone(name: str) -> str:
    """Return ``name`` when it is a time zone this machine knows (IANA database), else raise.

    Raises:
        ConfigError: naming the value and how to write one.
    """
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"`ingest.timezone` must be an IANA time zone name such as 'Asia/Shanghai'; got {name!r}.")
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(
            f"`ingest.timezone` {name!r} is not a known time zone; use an IANA name such as 'Asia/Shanghai', "
            "'Asia/Hong_Kong', 'Europe/London', 'America/New_York' or 'UTC' (`--timezone`)."
        ) from exc
    return name


def to_local(values: pd.Series, timezone: str = DEFAULT_TIMEZONE) -> pd.Series:
    """``values`` (timestamps; naive ones are UTC, unreadable ones NaT) as aware times in ``timezone``.

    Calendar fields (``.dt.normalize()``, ``.dt.day_of_week``, ``.dt.hour``, the month) of the result are
    the team's own.
    """
    ts = pd.to_datetime(values, utc=True, errors="coerce")
    return ts.dt.tz_convert(timezone) if timezone != DEFAULT_TIMEZONE else ts


def localize(naive: pd.Series, timezone: str) -> pd.Series:
    """Naive wall-clock times (a datetime64 series) as aware times in ``timezone``.

    Clock changes: a time repeated when clocks go back is read as standard time (the later of the two
    instants); a time skipped when they go forward is moved forward by the gap. Both are deterministic.
    """
    standard_time = np.zeros(len(naive), dtype=bool)
    out: pd.Series = naive.dt.tz_localize(timezone, ambiguous=standard_time, nonexistent="shift_forward")
    return out


def localize_wall_clock(wall_ns: np.ndarray, timezone: str) -> np.ndarray:
    """UTC nanoseconds of wall-clock times (int64 nanoseconds read as if UTC) that happened in ``timezone``
    (clock changes as in :func:`localize`)."""
    if timezone == DEFAULT_TIMEZONE or len(wall_ns) == 0:
        return wall_ns
    local = localize(pd.Series(wall_ns.astype("datetime64[ns]")), timezone)
    out: np.ndarray = np.asarray(local.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy().view("int64"))
    return out


_MONTH_RE: Final = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def month_bounds(month: str, timezone: str = DEFAULT_TIMEZONE) -> tuple[pd.Timestamp, pd.Timestamp, pd.Timestamp]:
    """``(previous month's start, start, end)`` of ``month`` (``YYYY-MM``) at midnight in ``timezone``.

    Raises:
        ValueError: ``month`` is not a ``YYYY-MM`` month.
    """
    m = _MONTH_RE.match(month.strip()) if isinstance(month, str) else None
    if m is None:
        # strict: "2026-10-15" would read as 15 October at 01:00 (the added "-01" taken for a UTC offset),
        # "2026" as January
        raise ValueError(f"not a YYYY-MM month: {month!r}")
    if not 1900 <= int(m.group(1)) <= 2200:  # pandas timestamps end in 2262; no ticket is older than 1900
        raise ValueError(f"month {month!r} is outside 1900-2200")
    start = pd.Timestamp(year=int(m.group(1)), month=int(m.group(2)), day=1, tz=timezone)
    return start - pd.offsets.MonthBegin(1), start, start + pd.offsets.MonthBegin(1)
