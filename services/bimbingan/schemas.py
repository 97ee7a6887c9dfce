"""bimbingan: request, response and event-data schemas."""
from marshmallow import Schema, fields, validate

from services.bimbingan import domain
from shared.fields import IsoDate, IsoDateTime
from shared.pagination import PageArgs
from shared.projection import Projected

TEXT, LONG_TEXT = validate.Length(min=1, max=200), validate.Length(min=1, max=2000)
NOTE = validate.Length(max=2000)
LOCAL_TIME = {"description": "RFC 3339; an instant without an offset (2026-12-05T08:00) is local time where the "
                             "BAPAS is (BAPAS_TIMEZONE, default Asia/Jakarta, WIB). Answered in UTC."}


class EnrollmentCreate(Projected):
    client_id = fields.UUID(required=True)
    program_id = fields.UUID(required=True)
    start_date = IsoDate(metadata={"description": "Defaults to today"})
    note = fields.String(validate=NOTE)


MAX_LISTED_IDS = 50   # ids per request: 50 keep the request line under 4 KB (gunicorn refuses longer ones)


class EnrollmentFilter(PageArgs):
    client_id = fields.UUID()
    program_id = fields.UUID()
    status = fields.String(validate=validate.OneOf(domain.ENROLLMENT_STATUSES))
    group_id = fields.UUID()
    id = fields.List(fields.UUID(), validate=validate.Length(min=1, max=MAX_LISTED_IDS), metadata={
        "description": f"Only these enrollments (repeat the parameter: id=...&id=..., at most {MAX_LISTED_IDS}); "
                       "an id with no enrollment, or one the other filters leave out, is not listed"})
    attendance = fields.Boolean(metadata={
        "description": "true: each enrollment with its attendance, session by session, as on GET /enrollments/{id}"})
    attendance_from = IsoDate(metadata={
        "description": "With the attendance, only the marks of sessions on or after this day (in BAPAS_TIMEZONE); "
                       "implies attendance=true"})
    attendance_flagged = fields.Boolean(metadata={
        "description": "true: with the attendance, only the marks a partner flagged for the PK (pk_should_know); "
                       "implies attendance=true"})


class Completion(Schema):
    outcome = fields.String(required=True, validate=validate.OneOf(domain.OUTCOMES))
    summary = fields.String(required=True, validate=LONG_TEXT)


class Withdrawal(Schema):
    reason_code = fields.String(required=True, validate=validate.OneOf(domain.REASON_CODES),
                                metadata={"description": ", ".join(domain.REASON_CODES)})
    note = fields.String(validate=NOTE)


FEEDBACK = validate.Length(max=500)


class AttendanceMark(Schema):
    session_id = fields.UUID()
    session_cancelled = fields.Boolean(metadata={"description": "true: the session was cancelled; the mark no "
                                                                "longer counts"})
    starts_at = IsoDateTime()
    attendance = fields.String()
    note = fields.String(allow_none=True)
    behaviour_note = fields.String(allow_none=True, metadata={"description": "Session feedback: behaviour"})
    pk_should_know = fields.Boolean(metadata={"description": "Session feedback: the PK should know (flag)"})
    recorded_at = IsoDateTime()
    recorded_by = fields.String()


class Enrollment(Projected):
    id = fields.UUID()
    client_id = fields.UUID()
    program_id = fields.UUID()
    group_id = fields.UUID()
    agreement_id = fields.UUID()
    status = fields.String()
    start_date = IsoDate()
    note = fields.String(allow_none=True)
    sessions_attended = fields.Integer()
    sessions_missed = fields.Integer()
    consecutive_absences = fields.Integer()
    attention_required = fields.Boolean(attribute="attention_raised")
    outcome = fields.String(allow_none=True)
    summary = fields.String(allow_none=True)
    reason_code = fields.String(allow_none=True)
    withdrawal_note = fields.String(allow_none=True)
    ended_on = IsoDate(allow_none=True)
    version = fields.Integer()
    created_at, completed_at, withdrawn_at = IsoDateTime(), IsoDateTime(), IsoDateTime()
    created_by, completed_by, withdrawn_by = fields.String(), fields.String(), fields.String()
    attendance = fields.List(fields.Nested(AttendanceMark), metadata={
        "description": "On GET by id, and in a list asked for with attendance=true"})


class SessionCreate(Schema):
    program_id = fields.UUID(required=True)
    starts_at = IsoDateTime(required=True, metadata=LOCAL_TIME)
    topic = fields.String(required=True, validate=TEXT)
    facilitator = fields.String(required=True, validate=TEXT)
    delivery = fields.String(required=True, validate=validate.OneOf(domain.DELIVERY))


class SessionFilter(PageArgs):
    program_id = fields.UUID()
    group_id = fields.UUID()
    from_ = IsoDate(data_key="from", metadata={"description": "Sessions on or after this day (in BAPAS_TIMEZONE)"})
    to = IsoDate(metadata={"description": "Sessions on or before this day (in BAPAS_TIMEZONE): from and to give a "
                                          "week's calendar"})


class Reschedule(Schema):
    starts_at = IsoDateTime(required=True, metadata=LOCAL_TIME)
    reason = fields.String(required=True, validate=LONG_TEXT)


class Cancellation(Schema):
    reason = fields.String(required=True, validate=LONG_TEXT)


class AttendanceRecord(Schema):
    enrollment_id = fields.UUID(required=True)
    attendance = fields.String(required=True, validate=validate.OneOf(domain.ATTENDANCE))
    note = fields.String(validate=NOTE)
    behaviour_note = fields.String(validate=FEEDBACK, metadata={
        "description": "Session feedback: a short note on the participant's behaviour (never in events)"})
    pk_should_know = fields.Boolean(load_default=False, metadata={
        "description": "Session feedback: flag it for the supervising PK"})


class AttendanceBatch(Schema):
    records = fields.List(fields.Nested(AttendanceRecord), required=True, validate=validate.Length(min=1, max=500))


class SessionAttendance(AttendanceMark):
    enrollment_id = fields.UUID()


class Session(Schema):
    id = fields.UUID()
    program_id = fields.UUID()
    group_id = fields.UUID()
    agreement_id = fields.UUID()
    starts_at = IsoDateTime()
    topic = fields.String()
    facilitator = fields.String()
    delivery = fields.String()
    status = fields.String()
    version = fields.Integer()
    reschedule_reason, cancel_reason = fields.String(), fields.String()
    created_at, rescheduled_at, cancelled_at = IsoDateTime(), IsoDateTime(), IsoDateTime()
    created_by, rescheduled_by, cancelled_by = fields.String(), fields.String(), fields.String()
    attendance = fields.List(fields.Nested(SessionAttendance), metadata={"description": "Only on GET by id"})


class AttendanceResult(Schema):
    session_id = fields.UUID()
    enrollments = fields.List(fields.Nested(Enrollment))


class EnrollmentEventData(Schema):
    id = fields.UUID(required=True)
    client_id = fields.UUID(required=True)
    program_id = fields.UUID(required=True)
    group_id = fields.UUID(required=True)
    agreement_id = fields.UUID(required=True)
    status = fields.String(required=True, validate=validate.OneOf(domain.ENROLLMENT_STATUSES))
    start_date = IsoDate(required=True)
    sessions_attended = fields.Integer(required=True)
    sessions_missed = fields.Integer(required=True)
    consecutive_absences = fields.Integer(required=True)
    outcome = fields.String(required=True, allow_none=True)
    reason_code = fields.String(required=True, allow_none=True)
    ended_on = IsoDate(required=True, allow_none=True)


class RecountEventData(EnrollmentEventData):
    session_id = fields.UUID(required=True, metadata={"description": "the cancelled session"})


class AttendanceEventData(EnrollmentEventData):
    session_id = fields.UUID(required=True)
    attendance = fields.String(required=True, validate=validate.OneOf(domain.ATTENDANCE))
    pk_should_know = fields.Boolean(required=True, metadata={"description": "the partner flagged its feedback "
                                                                            "for the PK (the note is not sent)"})


class SessionEventData(Schema):
    id = fields.UUID(required=True)
    program_id = fields.UUID(required=True)
    group_id = fields.UUID(required=True)
    starts_at = IsoDateTime(required=True)
    delivery = fields.String(required=True)
    status = fields.String(required=True)


class ClientState(Schema):
    """What bimbingan's client replica reads of klien's client events (other keys are ignored)."""
    id = fields.UUID(required=True)
    status = fields.String(required=True, validate=validate.Length(min=1, max=50))
    supervision_start = IsoDate(load_default=None)
    status_effective_date = IsoDate(load_default=None, allow_none=True)

    class Meta:
        unknown = "exclude"


class ProgramState(Schema):
    id = fields.UUID(required=True)
    guidance_type = fields.String(load_default=None)
    capacity = fields.Integer(required=True, validate=validate.Range(min=0))

    class Meta:
        unknown = "exclude"


class AgreementState(Schema):
    """What bimbingan's program replicas read of pokmas's agreement events (other keys are ignored)."""
    id = fields.UUID(required=True)
    group_id = fields.UUID(required=True)
    status = fields.String(required=True, validate=validate.Length(min=1, max=50))
    valid_from = IsoDate(load_default=None)
    valid_until = IsoDate(load_default=None)
    programs = fields.List(fields.Nested(ProgramState), required=True)

    class Meta:
        unknown = "exclude"
