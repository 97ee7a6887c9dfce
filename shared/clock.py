"""Time in one format: RFC 3339 UTC instants and ISO dates. Dates are where the BAPAS is:
`BAPAS_TIMEZONE` (default Asia/Jakarta, WIB) gives "today", the date of an instant, and the
meaning of an instant sent without an offset."""
import os
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

DEFAULT_TIMEZONE = "Asia/Jakarta"


def zone() -> ZoneInfo:
    return ZoneInfo(os.environ.get("BAPAS_TIMEZONE") or DEFAULT_TIMEZONE)


def now() -> datetime:
    return datetime.now(timezone.utc)


def instant(moment: datetime | None = None) -> str:
    """RFC 3339 UTC with millisecond precision and a Z suffix; a moment without an offset is local time."""
    moment = moment or now()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone())
    moment = moment.astimezone(timezone.utc)
    # The year formatted by hand: strftime's %Y gives "284" for the year 284, which is no RFC 3339
    # instant and sorts after "2026" as text.
    return f"{moment.year:04d}-" + moment.strftime("%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def today() -> date:
    return now().astimezone(zone()).date()


def start_of_day(day: date) -> str:
    """The instant (RFC 3339 UTC) a day begins where the BAPAS is."""
    return instant(datetime(day.year, day.month, day.day))


def local_date(moment: str) -> str:
    """The date (ISO) of an RFC 3339 instant where the BAPAS is."""
    return datetime.fromisoformat(moment.replace("Z", "+00:00")).astimezone(zone()).date().isoformat()
