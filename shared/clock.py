"""Time in one format: RFC 3339 UTC instants and ISO dates."""
from datetime import date, datetime, timezone


def now() -> datetime:
    return datetime.now(timezone.utc)


def instant(moment: datetime | None = None) -> str:
    """RFC 3339 UTC with millisecond precision and a Z suffix."""
    moment = (moment or now()).astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def today() -> date:
    return now().date()

