"""Time in one place and one format: RFC 3339 UTC instants and ISO dates. Dates are where the
BAPAS is: `BAPAS_TIMEZONE` (default Asia/Jakarta, WIB) gives "today", the date of an instant, and
the meaning of an instant sent without an offset.

Everything that depends on the current time asks this module, so a test can move it: in a test
process with `travel(days=...)` / `reset()`, and in a running stack by writing a number of days
into the file named by BAPAS_CLOCK_FILE (a test knob; unset, the clock is the real one).
"""
import os
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

DEFAULT_TIMEZONE = "Asia/Jakarta"
_NO_OFFSET = timedelta(0)
_offset = _NO_OFFSET


def zone() -> ZoneInfo:
    return _zone(os.environ.get("BAPAS_TIMEZONE") or DEFAULT_TIMEZONE)


@lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def now() -> datetime:
    moment = datetime.now(timezone.utc)
    if _offset:
        moment += _offset
    path = os.environ.get("BAPAS_CLOCK_FILE")
    if path:
        moment += _file_offset(path)
    return moment


def instant(moment: datetime | None = None) -> str:
    """RFC 3339 UTC with millisecond precision and a Z suffix; a moment without an offset is local time."""
    moment = moment or now()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone())
    if moment.tzinfo is not timezone.utc:
        moment = moment.astimezone(timezone.utc)
    # isoformat pads the year to 4 digits (strftime's %Y gives "284" for the year 284, which is no RFC 3339
    # instant and sorts after "2026" as text). It costs about five times the rest (issue 21: four instants
    # a write), so the text up to the second is kept for the next instants of the same second.
    second = (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)
    kept = _last_second
    if kept[0] != second:
        kept = _keep_second(second, moment)
    return f"{kept[1]}.{moment.microsecond // 1000:03d}Z"


_last_second: tuple = (None, "")


def _keep_second(second: tuple, moment: datetime) -> tuple:
    global _last_second
    _last_second = (second, moment.isoformat(timespec="seconds")[:-6])   # one tuple: threads read it whole
    return _last_second


def today() -> date:
    """The date in BAPAS_TIMEZONE (WIB by default): what a PK calls today."""
    return now().astimezone(zone()).date()


def start_of_day(day: date) -> str:
    """The instant (RFC 3339 UTC) a day begins where the BAPAS is."""
    return instant(datetime(day.year, day.month, day.day))


def local_date(moment: str) -> str:
    """The date (ISO) of an RFC 3339 instant where the BAPAS is."""
    return datetime.fromisoformat(moment.replace("Z", "+00:00")).astimezone(zone()).date().isoformat()


def travel(days: float = 0, **kwargs) -> None:
    """Move this process's clock by `days` (and/or timedelta keywords) from the real time."""
    global _offset
    _offset = timedelta(days=days, **kwargs)


def reset() -> None:
    travel(0)


def _file_offset(path: str) -> timedelta:
    # Read every time (a few microseconds, and only where the knob is set): a cache keyed on the
    # file's mtime would miss two writes within the filesystem's timestamp granularity.
    try:
        with open(path) as file:
            text = file.read().strip()
    except FileNotFoundError:
        return _NO_OFFSET
    return timedelta(days=float(text or 0))
