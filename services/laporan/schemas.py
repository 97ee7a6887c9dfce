"""laporan: the consumed events' data (the fields it reads), the report's query and its answer."""
from marshmallow import EXCLUDE, Schema, fields, validate

from services.laporan import domain
from shared.fields import IsoDate

_NO_CONTROL = validate.Regexp(r"^[^\x00-\x1f\x7f]+\Z", error="must not contain control characters")


class Consumed(Schema):
    """Only what laporan reads; other fields of an event are left alone (producers may add fields)."""
    class Meta:
        unknown = EXCLUDE


class ClientState(Consumed):
    id = fields.String(required=True)
    status = fields.String(required=True)
    supervision_type = fields.String(required=True, validate=validate.OneOf(domain.SUPERVISION_TYPES))
    bapas_office = fields.String(required=True)
    supervision_start = IsoDate(required=True)
    status_effective_date = IsoDate(allow_none=True, load_default=None)


class GroupState(Consumed):
    id = fields.String(required=True)
    bapas_office = fields.String(required=True)
    name = fields.String(load_default=None)


class ProgramState(Consumed):
    id = fields.String(required=True)
    guidance_type = fields.String(required=True, validate=validate.OneOf(domain.GUIDANCE_TYPES))


class AgreementState(Consumed):
    id = fields.String(required=True)
    group_id = fields.String(required=True)
    number = fields.String(required=True)
    status = fields.String(required=True)
    valid_from = IsoDate(required=True)
    valid_until = IsoDate(required=True)
    programs = fields.List(fields.Nested(ProgramState), required=True)


class EnrollmentState(Consumed):
    id = fields.String(required=True)
    client_id = fields.String(required=True)
    program_id = fields.String(required=True)
    group_id = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(("enrolled", "completed", "withdrawn")))
    start_date = IsoDate(required=True)
    ended_on = IsoDate(allow_none=True, load_default=None)
    outcome = fields.String(allow_none=True, load_default=None)


class AttendanceState(EnrollmentState):
    session_id = fields.String(required=True)
    attendance = fields.String(required=True, validate=validate.OneOf(domain.ATTENDANCE))


class SessionState(Consumed):
    id = fields.String(required=True)
    program_id = fields.String(required=True)
    group_id = fields.String(required=True)
    starts_at = fields.String(required=True, validate=validate.Regexp(r"^\d{4}-\d\d-\d\dT"))
    status = fields.String(required=True)


class ReportingOutcome(Consumed):
    """klien.checkin.recorded (kept_due: the due date it kept, or null) and klien.reporting.missed (due_date)."""
    client_id = fields.String(required=True)
    kept_due = IsoDate(allow_none=True, load_default=None)
    due_date = IsoDate(allow_none=True, load_default=None)



def _month():
    return fields.String(required=True, validate=validate.Regexp(r"^[12]\d{3}-(0[1-9]|1[0-2])\Z",
                                                                  error="must be a month as YYYY-MM"),
                         metadata={"description": "Calendar month in BAPAS_TIMEZONE, YYYY-MM"})


class ReportArgs(Schema):
    month = _month()
    bapas_office = fields.String(required=True, validate=[validate.Length(min=1, max=100), _NO_CONTROL])
    format = fields.String(load_default=None, validate=validate.OneOf(("json", "xlsx", "pdf")),
                           metadata={"description": "xlsx or pdf for a file; JSON otherwise (or by Accept)"})


class ClientFigures(Schema):
    registered = fields.Integer(metadata={"description": "Clients whose supervision started in the month"})
    active_at_end = fields.Integer(metadata={"description": "Under supervision on the month's last day"})
    ended = fields.Dict(keys=fields.String(), values=fields.Integer(),
                        metadata={"description": "completed, revoked, transferred (effective in the month)"})
    by_supervision_type = fields.Dict(keys=fields.String(), values=fields.Integer(),
                                      metadata={"description": "Under supervision at the month's end, by type"})


class EnrollmentFigures(Schema):
    created, completed = fields.Integer(), fields.Integer()
    withdrawn, active_at_end = fields.Integer(), fields.Integer()


class GroupFigures(Schema):
    group_id = fields.String()
    name = fields.String(allow_none=True)
    sessions_held = fields.Integer()
    participants = fields.Integer(metadata={"description": "Clients present or late at least once"})
    attendance_rate = fields.Float(allow_none=True, metadata={"description": "(present+late)/(present+late+absent)"})
    completed = fields.Integer()
    attendance = fields.Dict(keys=fields.String(), values=fields.Integer())
    outcomes = fields.Dict(keys=fields.String(), values=fields.Integer())


class ExpiringAgreement(Schema):
    agreement_id, number, group_id = fields.String(), fields.String(), fields.String()
    group_name = fields.String(allow_none=True)
    valid_until = fields.String()
    status = fields.String()


class Counted(Schema):
    """The figures an office's month has, and a region's or the nation's as their sum."""
    clients = fields.Nested(ClientFigures)
    enrollments = fields.Nested(EnrollmentFigures)
    attendance = fields.Dict(keys=fields.String(), values=fields.Integer())
    reporting = fields.Dict(keys=fields.String(), values=fields.Integer())
    sessions_held = fields.Integer()
    by_guidance_type = fields.Dict(keys=fields.String(), values=fields.Dict())


class MonthlyReport(Counted):
    month = fields.String()
    bapas_office = fields.String()
    produced_at = fields.String()
    groups = fields.List(fields.Nested(GroupFigures))
    agreements_expiring = fields.List(fields.Nested(ExpiringAgreement))


class RegionsArgs(Schema):
    month = _month()


class SummedFigures(Counted):
    offices = fields.List(fields.String())


class RegionFigures(SummedFigures):
    region = fields.String()


class RegionsReport(Schema):
    month = fields.String()
    produced_at = fields.String()
    regions = fields.List(fields.Nested(RegionFigures))
    total = fields.Nested(SummedFigures)


class HeldMonth(Schema):
    bapas_office = fields.String()
    month = fields.String()


class HeldMonths(Schema):
    items = fields.List(fields.Nested(HeldMonth))
