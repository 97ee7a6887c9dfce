"""Wajib lapor's domain, klien's second aggregate beside domain.py's clients: a client's reporting
schedule, its due dates, the check-ins that keep them, the due dates that pass unkept (missed), the
run of missed reports and the attention flag it raises.

Pure: records are dicts with ISO date strings (as stored); "today" and the grace days come in as
arguments; every change returns the new record and the typed events it causes, each paired with the
record right after it (one version per event, so each event carries its own state and sequence).

The record keeps the rule (frequency, first_due) and, as `dues`, only the due dates that cannot be
derived from it: the settled ones (kept or missed) and the open ones a change of schedule left
behind. Every other due date is generated from the rule up to `supervision_end`, so a corrected
supervision end or an ended supervision needs no rewrite of the schedule.
"""
import calendar
import uuid
from dataclasses import asdict, dataclass
from itertools import takewhile
from datetime import date, timedelta
from typing import ClassVar

from shared.catalog import Event
from shared.errors import Conflict, Invalid

FREQUENCIES = ("weekly", "biweekly", "monthly")
KINDS = ("lapor_diri", "kunjungan_rumah", "daring")
DUE, KEPT, MISSED = "due", "kept", "missed"
ATTENTION_RUN = 3
ATTENTION_REASON = "reporting_missed"
DEFAULT_GRACE_DAYS = 3
# A grace as long as the shortest interval would let one check-in answer for two weekly due dates.
MAX_GRACE_DAYS = 6
_STEP_DAYS = {"weekly": 7, "biweekly": 14}


# Typed events: what happened, in the past tense; the service turns each into event data.

@dataclass(frozen=True)
class ReportingScheduled:
    type: ClassVar[str] = "klien.reporting.scheduled"
    frequency: str
    first_due: str


@dataclass(frozen=True)
class CheckInRecorded:
    type: ClassVar[str] = "klien.checkin.recorded"
    check_in_id: str
    date: str
    kind: str
    kept_due: str | None


@dataclass(frozen=True)
class ReportingMissed:
    type: ClassVar[str] = "klien.reporting.missed"
    due_date: str


@dataclass(frozen=True)
class AttentionRequired:
    type: ClassVar[str] = "klien.client.attention_required"
    reason: str
    due_dates: tuple[str, ...]
    raised_on: str


@dataclass(frozen=True)
class AttentionCleared:
    type: ClassVar[str] = "klien.client.attention_cleared"
    raised_on: str
    cleared_on: str


# Schedule arithmetic.

def add_months(day: date, months: int) -> date:
    """The same day of the month `months` later, or that month's last day when the month is shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def schedule_dates(frequency: str, first_due: date, until: date) -> list[date]:
    """Due dates from `first_due` up to `until` inclusive. Monthly dates count from `first_due`, not
    from the date before, so a schedule on the 31st keeps the 31st after February (31 Jan, 28 Feb, 31 Mar)."""
    return list(takewhile(lambda day: day <= until, _schedule(frequency, first_due)))


def _schedule(frequency: str, first_due: date):
    """The rule's due dates from `first_due` on, as far as they are asked for."""
    for n in range(100_000):
        yield add_months(first_due, n) if frequency == "monthly" else first_due + timedelta(_STEP_DAYS[frequency] * n)


def deadline(due: str, grace_days: int) -> date:
    """The last day a check-in still keeps `due`."""
    return date.fromisoformat(due) + timedelta(days=grace_days)


# The record.

def empty(reporting_id: str, client_id: str) -> dict:
    """A client without a schedule yet: check-ins are still recorded (they keep nothing). The record is
    an aggregate of its own (its id is the events' subject, its version their sequence), so consumers
    that order events per subject never compare its counter with the client record's."""
    return {"id": reporting_id, "client_id": client_id, "version": 0, "frequency": None, "first_due": None, "dues": {},
            "attention": None, "acknowledged_through": None, "attention_log": [],
            "set_at": None, "set_by": None, "updated_at": None}


def due_dates(record: dict, client: dict) -> list[tuple[str, dict]]:
    """Every due date with its entry, in date order. An ended client has no open due date."""
    dues = dict(record["dues"])
    if client["status"] != "active":
        return sorted((day, entry) for day, entry in dues.items() if entry["status"] != DUE)
    if record["frequency"]:
        until = date.fromisoformat(client["supervision_end"])
        for day in schedule_dates(record["frequency"], date.fromisoformat(record["first_due"]), until):
            dues.setdefault(day.isoformat(), _open())
    return sorted((day, entry) for day, entry in dues.items() if day <= client["supervision_end"])


def _open() -> dict:
    return {"status": DUE, "check_in": None, "settled_at": None}


def _changed(record: dict, ctx, **changes) -> dict:
    return {**record, **changes, "version": record["version"] + 1, "updated_at": ctx.at}


def set_schedule(record: dict, client: dict, frequency: str, first_due: date, today: date, ctx):
    """A new rule from `first_due` on. Due dates before today stay as they were (open ones too, for a
    late check-in or the worker), settled ones stay whatever their date; later open ones are replaced."""
    _require_active(client, "an ended client has no reporting schedule")
    start, end = client["supervision_start"], client["supervision_end"]
    errors = []
    if first_due < today:
        errors.append(f"must not be before today ({today.isoformat()})")
    if first_due.isoformat() < start:
        errors.append(f"must not be before supervision_start ({start})")
    if first_due.isoformat() > end:
        errors.append(f"must not be after supervision_end ({end})")
    if errors:
        raise Invalid({"first_due": errors})
    kept = {**{day: entry for day, entry in due_dates(record, client) if day < today.isoformat()},
            **{day: entry for day, entry in record["dues"].items() if entry["status"] != DUE}}
    updated = _changed(record, ctx, frequency=frequency, first_due=first_due.isoformat(), dues=kept,
                       set_at=ctx.at, set_by=ctx.actor)
    return updated, [(ReportingScheduled(frequency, first_due.isoformat()), updated)]


def target(dues: list[tuple[str, dict]], day: str, grace_days: int) -> tuple[str, dict] | None:
    """The due date a check-in on `day` is for: the earliest whose grace has not ended by `day`. Early
    check-ins are for the next due date; one within a due date's grace is for that date."""
    for due, entry in dues:
        if deadline(due, grace_days).isoformat() >= day:
            return due, entry
    return None


def check_in(record: dict, client: dict, check_in_: dict, today: date, grace_days: int, ctx):
    """Record a check-in; it keeps the due date it is for when that date is still open (a second
    check-in for the same due date is recorded and keeps nothing). Returns (record, check-in, events)."""
    _require_active(client, "check-ins are recorded for active clients only")
    day = check_in_["date"]
    if day > today.isoformat():
        raise Invalid({"date": [f"must not be in the future (today is {today.isoformat()})"]})
    if day < client["supervision_start"]:
        raise Invalid({"date": [f"must not be before supervision_start ({client['supervision_start']})"]})
    found = target(due_dates(record, client), day, grace_days)
    kept_due = found[0] if found and found[1]["status"] == DUE else None
    dues = dict(record["dues"])
    if kept_due:
        dues[kept_due] = {"status": KEPT, "settled_at": ctx.at,
                          "check_in": {"id": check_in_["id"], "date": day, "kind": check_in_["kind"]}}
    recorded = {**check_in_, "client_id": client["id"], "kept_due": kept_due, "version": 1,
                "recorded_at": ctx.at, "recorded_by": ctx.actor}
    updated = _changed(record, ctx, dues=dues)
    return updated, recorded, [(CheckInRecorded(check_in_["id"], day, check_in_["kind"], kept_due), updated)]


def mark_missed(record: dict, client: dict, today: date, grace_days: int, ctx):
    """Due dates whose grace ended before today with no check-in become missed, in date order, each
    once (a second run finds them settled). Three in a row raise the attention flag, once per run."""
    events = []
    if client["status"] != "active":
        return record, events
    for due, entry in due_dates(record, client):
        if entry["status"] != DUE or deadline(due, grace_days) >= today:
            continue
        record = _changed(record, ctx, dues={**record["dues"], due: {**_open(), "status": MISSED,
                                                                     "settled_at": ctx.at}})
        events.append((ReportingMissed(due), record))
        unacknowledged = run(record, since=record["acknowledged_through"])
        if record["attention"] is None and len(unacknowledged) >= ATTENTION_RUN:
            attention = {"reason": ATTENTION_REASON, "due_dates": unacknowledged, "raised_on": today.isoformat(),
                         "raised_at": ctx.at}
            record = _changed(record, ctx, attention=attention)
            events.append((AttentionRequired(ATTENTION_REASON, tuple(unacknowledged), today.isoformat()), record))
    return record, events


def run(record: dict, since: str | None = None) -> list[str]:
    """The missed due dates after the last kept one (and after `since`), in date order: the current run."""
    settled = sorted((day, entry["status"]) for day, entry in record["dues"].items() if entry["status"] != DUE)
    missed: list[str] = []
    for day, status in settled:
        if status == KEPT:
            missed = []
        elif since is None or day > since:
            missed.append(day)
    return missed


def clear_attention(record: dict, note: str, today: date, ctx):
    """The PK has acted on the flag: it closes, with the note, and a new one needs three more missed."""
    attention = record["attention"]
    if attention is None:
        raise Conflict("this client has no open wajib lapor attention flag")
    closed = {**attention, "cleared_on": today.isoformat(), "cleared_at": ctx.at, "cleared_by": ctx.actor,
              "note": note}
    missed = [day for day, entry in record["dues"].items() if entry["status"] == MISSED]
    updated = _changed(record, ctx, attention=None, acknowledged_through=max(missed, default=None),
                       attention_log=[*record["attention_log"], closed])
    return updated, [(AttentionCleared(attention["raised_on"], today.isoformat()), updated)]


def _require_active(client: dict, message: str) -> None:
    if client["status"] != "active":
        raise Conflict(f"{message}; this client's status is {client['status']}")


# What readers and consumers see.

def next_open_due(record: dict | None, client: dict) -> str | None:
    """The earliest due date still open (a late one within or past its grace that the worker has not
    marked yet included); None for a client without a schedule, with every due date settled, or ended.
    It moves only when the record or the client changes, so GET /clients lists by it from an index.

    The same as the first open one of due_dates(), without generating every date to supervision_end
    (a list page asks it of 500 clients): the rule's dates are walked only to the first one not settled."""
    if record is None or client["status"] != "active":
        return None
    end, dues = client["supervision_end"], record["dues"]
    found = [day for day, entry in dues.items() if entry["status"] == DUE and day <= end]
    if record["frequency"]:
        for day in map(date.isoformat, _schedule(record["frequency"], date.fromisoformat(record["first_due"]))):
            if day > end:
                break
            if day not in dues:           # a date the rule generates and nothing settled: open
                found.append(day)
                break
    return min(found, default=None)


def _first_open(dues: list[tuple[str, dict]]) -> str | None:
    return next((day for day, entry in dues if entry["status"] == DUE), None)


def summary(record: dict, client: dict) -> dict:
    """The reporting part of GET /clients/{id}: next due date, kept, missed and the current run."""
    dues = due_dates(record, client)
    statuses = [entry["status"] for _, entry in dues]
    return {"frequency": record["frequency"],
            "next_due": _first_open(dues),
            "kept": statuses.count(KEPT), "missed": statuses.count(MISSED), "run": len(run(record)),
            "attention_required": record["attention"] is not None}


def due_id(reporting_id: str, due: str) -> str:
    """A due date's own id: a name-based UUID of its reporting record and its date."""
    return str(uuid.uuid5(uuid.UUID(reporting_id), due))


def subject(record: dict, event) -> tuple[str, int]:
    """The aggregate an event is about and its version after it. A check-in (recorded once) and a due
    date's miss (missed once) are aggregates of their own, so a consumer that drops an older sequence
    per subject never drops one of them when several arrive out of order; the schedule and the flag
    are the reporting record's."""
    if isinstance(event, CheckInRecorded):
        return event.check_in_id, 1
    if isinstance(event, ReportingMissed):
        return due_id(record["id"], event.due_date), 1
    return record["id"], record["version"]


def event_data(record: dict, client: dict, event) -> dict:
    """The event's own fields and the reporting state after it: ids, codes, dates and counts (no note)."""
    own = {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(event).items() if k != "check_in_id"}
    return {"id": subject(record, event)[0], "reporting_id": record["id"], "reporting_version": record["version"],
            "client_id": client["id"], "bapas_office": client["bapas_office"], **own, **summary(record, client)}


def published(client: dict, changes: list) -> list[Event]:
    """The events to publish, each with the reporting state right after it."""
    return [Event(event.type, *subject(state, event), event_data(state, client, event)) for event, state in changes]


def next_look(record: dict, client: dict, today: date, grace_days: int) -> date | None:
    """The first day the worker may have something to mark: the day after the earliest open due
    date's grace; while none is open, the day after supervision_end (a corrected end may add some);
    None when nothing can ever be due again."""
    if client["status"] != "active" or not record["frequency"]:
        return None
    open_dates = [day for day, entry in due_dates(record, client) if entry["status"] == DUE]
    if open_dates:
        return deadline(open_dates[0], grace_days) + timedelta(days=1)
    after_end = date.fromisoformat(client["supervision_end"]) + timedelta(days=1)
    return after_end if after_end > today else None


def page(record: dict, dues: list[tuple[str, dict]], after: str | None, limit: int) -> tuple[list[dict], str | None]:
    """Due dates after the date `after`, at most `limit`, and the last date shown when more follow."""
    rest = [(day, entry) for day, entry in dues if after is None or day > after]
    shown = [{"id": due_id(record["id"], day) if record["id"] else None, "date": day, **entry}
             for day, entry in rest[:limit]]
    return shown, (shown[-1]["date"] if len(rest) > limit else None)
