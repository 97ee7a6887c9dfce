"""Dates as the office lives them: "today" and "this week" in BAPAS_TIMEZONE (WIB by default)."""
import os
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def zone() -> ZoneInfo:
    return ZoneInfo(os.environ.get("BAPAS_TIMEZONE") or "Asia/Jakarta")


def today() -> date:
    return datetime.now(zone()).date()


def week_of(day: date) -> tuple[date, date]:
    """Monday and Sunday of the week holding `day`."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def local(instant: str) -> datetime:
    return datetime.fromisoformat(instant.replace("Z", "+00:00")).astimezone(zone())


def instant_of(day: date, at: time) -> str:
    """A local date and time as the RFC 3339 instant the services take."""
    return datetime.combine(day, at, tzinfo=zone()).isoformat()


def parse_date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None
