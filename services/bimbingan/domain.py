"""bimbingan's rules: who may enroll, how attendance counts, how enrollments and sessions end. Pure: no I/O."""
from shared.errors import Conflict, Invalid

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
                   note: str | None, ctx) -> dict:
    return {"id": enrollment_id, "client_id": client_id, "program_id": program_id,
            "group_id": program["group_id"], "agreement_id": program["agreement_id"], "status": OPEN,
            "start_date": start_date, "note": note, "sessions_attended": 0, "sessions_missed": 0,
            "consecutive_absences": 0, "attention_raised": False, "outcome": None, "summary": None,
            "reason_code": None, "withdrawal_note": None, "ended_on": None, "version": 1,
            "created_at": ctx.at, "created_by": ctx.actor}


def complete(enrollment: dict, outcome: str, summary: str, today: str, ctx) -> dict:
    check_open(enrollment)
    return {**enrollment, "status": COMPLETED, "outcome": outcome, "summary": summary, "ended_on": today,
            "version": enrollment["version"] + 1, "completed_at": ctx.at, "completed_by": ctx.actor}


def withdraw(enrollment: dict, reason_code: str, note: str | None, today: str, ctx) -> dict:
    check_open(enrollment)
    return {**enrollment, "status": WITHDRAWN, "reason_code": reason_code, "withdrawal_note": note,
            "ended_on": today, "version": enrollment["version"] + 1, "withdrawn_at": ctx.at,
            "withdrawn_by": ctx.actor}


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


def new_session(session_id: str, body: dict, program: dict, ctx) -> dict:
    return {"id": session_id, "program_id": body["program_id"], "group_id": program["group_id"],
            "agreement_id": program["agreement_id"], "starts_at": body["starts_at"], "topic": body["topic"],
            "facilitator": body["facilitator"], "delivery": body["delivery"], "status": SCHEDULED, "version": 1,
            "created_at": ctx.at, "created_by": ctx.actor}


def reschedule(session: dict, starts_at: str, reason: str, ctx) -> dict:
    check_scheduled(session)
    return {**session, "starts_at": starts_at, "reschedule_reason": reason, "version": session["version"] + 1,
            "rescheduled_at": ctx.at, "rescheduled_by": ctx.actor}


def cancel(session: dict, reason: str, ctx) -> dict:
    check_scheduled(session)
    return {**session, "status": CANCELLED, "cancel_reason": reason, "version": session["version"] + 1,
            "cancelled_at": ctx.at, "cancelled_by": ctx.actor}


def enrollment_event_data(enrollment: dict) -> dict:
    """The enrollment's state for klien's guidance view and pokmas's utilization view (no notes)."""
    keys = ("id", "client_id", "program_id", "group_id", "agreement_id", "status", "start_date",
            "sessions_attended", "sessions_missed", "consecutive_absences", "outcome", "reason_code", "ended_on")
    return {key: enrollment[key] for key in keys}


def session_event_data(session: dict) -> dict:
    return {key: session[key] for key in ("id", "program_id", "group_id", "starts_at", "delivery", "status")}
