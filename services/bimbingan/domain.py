"""bimbingan's rules: who may enroll, how attendance counts, how enrollments and sessions end. Pure: no I/O.

Each change returns the record after it and the events it causes."""
from typing import NotRequired, TypedDict

from shared.catalog import Event
from shared.errors import Conflict, Invalid

ENROLLMENT_CREATED, ENROLLMENT_COMPLETED = "bimbingan.enrollment.created", "bimbingan.enrollment.completed"
ENROLLMENT_WITHDRAWN, ATTENTION_REQUIRED = "bimbingan.enrollment.withdrawn", "bimbingan.enrollment.attention_required"
ATTENDANCE_RECORDED = "bimbingan.attendance.recorded"
SESSION_SCHEDULED, SESSION_RESCHEDULED = "bimbingan.session.scheduled", "bimbingan.session.rescheduled"
SESSION_CANCELLED = "bimbingan.session.cancelled"

OPEN = "enrolled"
COMPLETED, WITHDRAWN = "completed", "withdrawn"
ENROLLMENT_STATUSES = (OPEN, COMPLETED, WITHDRAWN)
OUTCOMES = ("achieved", "partially_achieved", "not_achieved")
REASON_CODES = ("client_ended", "agreement_ended", "client_moved", "client_request", "non_attendance", "other")
ATTENDANCE = ("present", "late", "absent", "excused")
ATTENDED, MISSED = ("present", "late"), ("absent",)
DELIVERY = ("in_person", "online")
SCHEDULED, CANCELLED = "scheduled", "cancelled"
ACTIVE = "active"
ENDED_AGREEMENT = ("suspended", "terminated", "expired")
ATTENTION_STREAK = 3
PARTNER_HIDDEN = ("note", "withdrawal_note", "summary")   # the PK's own notes and completion summary


class Enrollment(TypedDict):
    id: str
    client_id: str
    program_id: str
    group_id: str
    agreement_id: str
    status: str
    start_date: str
    note: str | None
    sessions_attended: int
    sessions_missed: int
    consecutive_absences: int
    attention_raised: bool
    outcome: str | None
    summary: str | None
    reason_code: str | None
    withdrawal_note: str | None
    ended_on: str | None
    version: int
    created_at: str
    created_by: str
    completed_at: NotRequired[str]
    completed_by: NotRequired[str]
    withdrawn_at: NotRequired[str]
    withdrawn_by: NotRequired[str]


class Session(TypedDict):
    id: str
    program_id: str
    group_id: str
    agreement_id: str
    starts_at: str
    topic: str
    facilitator: str
    delivery: str
    status: str
    version: int
    created_at: str
    created_by: str
    reschedule_reason: NotRequired[str]
    rescheduled_at: NotRequired[str]
    rescheduled_by: NotRequired[str]
    cancel_reason: NotRequired[str]
    cancelled_at: NotRequired[str]
    cancelled_by: NotRequired[str]


class Mark(TypedDict):
    session_id: str
    starts_at: str
    attendance: str
    note: str | None
    recorded_at: str
    recorded_by: str


def check_can_enroll(client: dict, program: dict, open_count: int, already_open: bool) -> None:
    """The contract's four 409s, in the order a user would fix them."""
    if client["status"] != ACTIVE:
        raise Conflict(f"the client is not active; current status is {client['status']}")
    check_agreement_active(program)
    if already_open:
        raise Conflict("the client already has an open enrollment in this program")
    if open_count >= program["capacity"]:
        raise Conflict(f"the program is full: {open_count} of {program['capacity']} places taken")


def check_agreement_active(program: dict) -> None:
    if program["agreement_status"] != ACTIVE:
        raise Conflict(f"the program's agreement is not active; current status is {program['agreement_status']}")


def check_open(enrollment: dict) -> None:
    if enrollment["status"] != OPEN:
        raise Conflict(f"the enrollment is not open; current status is {enrollment['status']}")


def check_scheduled(session: dict) -> None:
    if session["status"] != SCHEDULED:
        raise Conflict(f"the session is not scheduled; current status is {session['status']}")


def new_enrollment(enrollment_id: str, client_id: str, program_id: str, program: dict, start_date: str,
                   note: str | None, ctx) -> tuple[Enrollment, list[Event]]:
    enrollment = {"id": enrollment_id, "client_id": client_id, "program_id": program_id,
            "group_id": program["group_id"], "agreement_id": program["agreement_id"], "status": OPEN,
            "start_date": start_date, "note": note, "sessions_attended": 0, "sessions_missed": 0,
            "consecutive_absences": 0, "attention_raised": False, "outcome": None, "summary": None,
            "reason_code": None, "withdrawal_note": None, "ended_on": None, "version": 1,
            "created_at": ctx.at, "created_by": ctx.actor}
    return enrollment, [enrollment_event(ENROLLMENT_CREATED, enrollment)]


def complete(enrollment: Enrollment, outcome: str, summary: str, today: str, ctx) -> tuple[Enrollment, list[Event]]:
    check_open(enrollment)
    done = {**enrollment, "status": COMPLETED, "outcome": outcome, "summary": summary, "ended_on": today,
            "version": enrollment["version"] + 1, "completed_at": ctx.at, "completed_by": ctx.actor}
    return done, [enrollment_event(ENROLLMENT_COMPLETED, done)]


def withdraw(enrollment: Enrollment, reason_code: str, note: str | None, today: str,
             ctx) -> tuple[Enrollment, list[Event]]:
    check_open(enrollment)
    withdrawn = {**enrollment, "status": WITHDRAWN, "reason_code": reason_code, "withdrawal_note": note,
                 "ended_on": today, "version": enrollment["version"] + 1, "withdrawn_at": ctx.at,
                 "withdrawn_by": ctx.actor}
    return withdrawn, [enrollment_event(ENROLLMENT_WITHDRAWN, withdrawn)]


def withdraw_open(enrollments: list[Enrollment | None], reason_code: str, today: str,
                  ctx) -> list[tuple[Enrollment, Enrollment, list[Event]]]:
    """The reaction to a client or an agreement that ended: each of `enrollments` still open is
    withdrawn with `reason_code`: (before, after, events) per enrollment."""
    return [(before, *withdraw(before, reason_code, None, today, ctx))
            for before in enrollments if before and before["status"] == OPEN]


def attendance_counts(marks: list[dict]) -> tuple[int, int, int]:
    """(attended, missed, unexcused absences in a row up to the latest session) from one mark per session.

    Marks are ordered by the session's start; `excused` neither counts nor breaks the streak."""
    ordered = sorted(marks, key=lambda m: (m["starts_at"], m["session_id"]))
    attended = sum(m["attendance"] in ATTENDED for m in ordered)
    missed = sum(m["attendance"] in MISSED for m in ordered)
    streak = 0
    for mark in ordered:
        if mark["attendance"] in ATTENDED:
            streak = 0
        elif mark["attendance"] in MISSED:
            streak += 1
    return attended, missed, streak


def new_mark(session: Session, attendance: str, note: str | None, ctx) -> Mark:
    return {"session_id": session["id"], "starts_at": session["starts_at"], "attendance": attendance,
            "note": note, "recorded_at": ctx.at, "recorded_by": ctx.actor}


def record_attendance(enrollment: Enrollment, marks: dict[str, Mark], mark: Mark) -> tuple[Enrollment, list[Event]]:
    """The enrollment after `mark` replaced its mark for that session (marks: session id -> mark); its
    attendance event, and the attention event when this mark makes a third unexcused absence in a row."""
    changed, raise_now = with_attendance(enrollment, list({**marks, mark["session_id"]: mark}.values()))
    events = [enrollment_event(ATTENDANCE_RECORDED, changed, session_id=mark["session_id"],
                               attendance=mark["attendance"])]
    if raise_now:
        events.append(enrollment_event(ATTENTION_REQUIRED, changed))
    return changed, events


def with_attendance(enrollment: dict, marks: list[dict]) -> tuple[dict, bool]:
    """The enrollment after its marks changed, and whether this change raises attention (once per streak)."""
    attended, missed, streak = attendance_counts(marks)
    raise_now = streak >= ATTENTION_STREAK and not enrollment["attention_raised"]
    changed = {**enrollment, "sessions_attended": attended, "sessions_missed": missed,
               "consecutive_absences": streak, "attention_raised": streak >= ATTENTION_STREAK,
               "version": enrollment["version"] + 1}
    return changed, raise_now


def check_attendance_targets(session: dict, enrollments: list[dict | None]) -> None:
    """Every record's enrollment must exist, be open and belong to the session's program; 422 naming the index."""
    errors, seen = {}, set()
    for index, enrollment in enumerate(enrollments):
        field = f"records.{index}.enrollment_id"
        if enrollment is None:
            errors[field] = ["no enrollment with this id"]
        elif enrollment["id"] in seen:
            errors[field] = ["this enrollment appears more than once in the request"]
        elif enrollment["program_id"] != session["program_id"]:
            errors[field] = ["this enrollment is not in the session's program"]
        elif enrollment["status"] != OPEN:
            errors[field] = [f"this enrollment is not open; current status is {enrollment['status']}"]
        if enrollment is not None:
            seen.add(enrollment["id"])
    if errors:
        raise Invalid(errors)


def new_session(session_id: str, body: dict, program: dict, ctx) -> tuple[Session, list[Event]]:
    session = {"id": session_id, "program_id": body["program_id"], "group_id": program["group_id"],
            "agreement_id": program["agreement_id"], "starts_at": body["starts_at"], "topic": body["topic"],
            "facilitator": body["facilitator"], "delivery": body["delivery"], "status": SCHEDULED, "version": 1,
            "created_at": ctx.at, "created_by": ctx.actor}
    return session, [session_event(SESSION_SCHEDULED, session)]


def reschedule(session: Session, starts_at: str, reason: str, ctx) -> tuple[Session, list[Event]]:
    check_scheduled(session)
    moved = {**session, "starts_at": starts_at, "reschedule_reason": reason, "version": session["version"] + 1,
             "rescheduled_at": ctx.at, "rescheduled_by": ctx.actor}
    return moved, [session_event(SESSION_RESCHEDULED, moved)]


def cancel(session: Session, reason: str, ctx) -> tuple[Session, list[Event]]:
    check_scheduled(session)
    cancelled = {**session, "status": CANCELLED, "cancel_reason": reason, "version": session["version"] + 1,
                 "cancelled_at": ctx.at, "cancelled_by": ctx.actor}
    return cancelled, [session_event(SESSION_CANCELLED, cancelled)]


def shown_to(enrollment: Enrollment, role: str) -> dict:
    """The partner view of an enrollment: without the PK's own notes and completion summary. Every
    answer that carries an enrollment to a partner goes through it."""
    if role != "partner":
        return enrollment
    return {key: value for key, value in enrollment.items() if key not in PARTNER_HIDDEN}


def enrollment_event(event_type: str, enrollment: Enrollment, **extra) -> Event:
    return Event(event_type, enrollment["id"], enrollment["version"], {**enrollment_event_data(enrollment), **extra})


def session_event(event_type: str, session: Session) -> Event:
    return Event(event_type, session["id"], session["version"], session_event_data(session))


def client_replica(data: dict) -> dict:
    """What bimbingan keeps of a klien client: its status."""
    return {"id": data["id"], "status": data["status"]}


def agreement_replica(data: dict) -> dict:
    return {"id": data["id"], "group_id": data["group_id"], "status": data["status"],
            "program_ids": [program["id"] for program in data["programs"]]}


def program_replicas(data: dict) -> list[dict]:
    """What bimbingan keeps of each program of a pokmas agreement, with the agreement's status."""
    return [{"id": program["id"], "agreement_id": data["id"], "group_id": data["group_id"],
             "agreement_status": data["status"], "guidance_type": program.get("guidance_type"),
             "capacity": int(program["capacity"])} for program in data["programs"]]


def enrollment_event_data(enrollment: dict) -> dict:
    """The enrollment's state for klien's guidance view and pokmas's utilization view (no notes)."""
    keys = ("id", "client_id", "program_id", "group_id", "agreement_id", "status", "start_date",
            "sessions_attended", "sessions_missed", "consecutive_absences", "outcome", "reason_code", "ended_on")
    return {key: enrollment[key] for key in keys}


def session_event_data(session: dict) -> dict:
    return {key: session[key] for key in ("id", "program_id", "group_id", "starts_at", "delivery", "status")}
