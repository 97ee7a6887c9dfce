"""Wajib lapor: request, response and event-data schemas (the OpenAPI and AsyncAPI documents are built from these)."""
from marshmallow import Schema, fields, validate

from services.klien import reporting
from shared.fields import IsoDate, IsoDateTime

FREQUENCY = validate.OneOf(reporting.FREQUENCIES, error="must be weekly, biweekly or monthly")
KIND = validate.OneOf(reporting.KINDS, error="must be lapor_diri, kunjungan_rumah or daring")
# Free text a PK types: line breaks and tabs are fine, other control characters (NUL, ESC, ...) are not.
NOTE = [validate.Length(min=1, max=2000),
        validate.Regexp(r"^(?!\s*(?![\s\S]))[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*(?![\s\S])",
                        error="must not be blank nor hold control characters (NUL, ESC, ...)")]


class ScheduleSet(Schema):
    frequency = fields.String(required=True, validate=FREQUENCY)
    first_due = IsoDate(required=True, metadata={"description": "Not before today (in BAPAS_TIMEZONE)"})


class CheckInCreate(Schema):
    date = IsoDate(required=True, metadata={"description": "Not in the future, not before supervision_start"})
    kind = fields.String(required=True, validate=KIND, metadata={
        "description": "lapor_diri (in person at the BAPAS), kunjungan_rumah (the PK's home visit), "
                       "daring (video call)"})
    note = fields.String(validate=NOTE)


class AttentionClear(Schema):
    note = fields.String(required=True, validate=NOTE, metadata={"description": "What the PK did about it"})


class CheckInRef(Schema):
    id = fields.UUID()
    date = IsoDate()
    kind = fields.String()


class DueDate(Schema):
    id = fields.UUID(metadata={"description": "The due date's id (the subject of klien.reporting.missed)"})
    date = IsoDate()
    status = fields.String(metadata={"description": "due, kept or missed"})
    check_in = fields.Nested(CheckInRef, allow_none=True, metadata={"description": "The check-in that kept it"})
    settled_at = IsoDateTime(allow_none=True)


class Attention(Schema):
    reason = fields.String(metadata={"description": "reporting_missed: three missed reports in a row"})
    due_dates = fields.List(IsoDate(), metadata={"description": "The missed due dates that raised it"})
    raised_on = IsoDate()
    raised_at = IsoDateTime()


class ClosedAttention(Attention):
    cleared_on = IsoDate()
    cleared_at = IsoDateTime()
    cleared_by = fields.String()
    note = fields.String()


class ReportingSummary(Schema):
    frequency = fields.String(allow_none=True)
    next_due = IsoDate(allow_none=True, metadata={"description": "The earliest due date not yet kept or missed"})
    kept = fields.Integer()
    missed = fields.Integer()
    run = fields.Integer(metadata={"description": "Missed due dates in a row since the last kept one"})
    attention_required = fields.Boolean(metadata={"description": "An open wajib lapor attention flag"})


class Reporting(ReportingSummary):
    id = fields.UUID(allow_none=True, metadata={"description": "null until a schedule or check-in is recorded"})
    client_id = fields.UUID()
    version = fields.Integer(metadata={"description": "0 until a schedule or check-in is first recorded"})
    first_due = IsoDate(allow_none=True)
    grace_days = fields.Integer(metadata={"description": "KLIEN_REPORTING_GRACE_DAYS"})
    attention = fields.Nested(Attention, allow_none=True)
    attention_log = fields.List(fields.Nested(ClosedAttention), metadata={"description": "Flags cleared, with notes"})
    items = fields.List(fields.Nested(DueDate), metadata={"description": "Due dates, oldest first, one page"})
    next_cursor = fields.String(allow_none=True)


class CheckIn(Schema):
    id = fields.UUID()
    client_id = fields.UUID()
    version = fields.Integer()
    date = IsoDate()
    kind = fields.String()
    note = fields.String()
    kept_due = IsoDate(allow_none=True, metadata={"description": "The due date it kept; null when it kept none"})
    recorded_at = IsoDateTime()
    recorded_by = fields.String()


# Event data: ids, codes, dates and counts; never the note.

class ReportingState(Schema):
    id = fields.UUID(required=True, metadata={"description": "The event's subject: the reporting record, the "
                                              "check-in, or the missed due date (see each type)"})
    reporting_id = fields.UUID(required=True, metadata={"description": "The client's reporting record"})
    reporting_version = fields.Integer(required=True, validate=validate.Range(min=1),
                                       metadata={"description": "Its version after this change: the order of "
                                                 "the state fields below"})
    client_id = fields.UUID(required=True)
    bapas_office = fields.String(required=True)
    frequency = fields.String(required=True, allow_none=True, validate=FREQUENCY)
    next_due = IsoDate(required=True, allow_none=True)
    kept = fields.Integer(required=True, validate=validate.Range(min=0))
    missed = fields.Integer(required=True, validate=validate.Range(min=0))
    run = fields.Integer(required=True, validate=validate.Range(min=0))
    attention_required = fields.Boolean(required=True)


class ScheduledData(ReportingState):
    first_due = IsoDate(required=True)


class CheckInData(ReportingState):
    date = IsoDate(required=True)
    kind = fields.String(required=True, validate=KIND)
    kept_due = IsoDate(required=True, allow_none=True)


class MissedData(ReportingState):
    due_date = IsoDate(required=True)


class AttentionData(ReportingState):
    reason = fields.String(required=True)
    due_dates = fields.List(IsoDate(), required=True)
    raised_on = IsoDate(required=True)


class AttentionClearedData(ReportingState):
    raised_on = IsoDate(required=True)
    cleared_on = IsoDate(required=True)
