"""klien: request, response and event-data schemas."""
from marshmallow import Schema, ValidationError, fields, validate

from services.klien import domain
from services.klien.reporting_schemas import ReportingSummary
from shared.fields import IsoDate, IsoDateTime
from shared.projection import Projected
from shared.pagination import PageArgs


# Patterns both Python and ECMA (OpenAPI) read alike; "(?![\s\S])" is the end of the text, where "$" would
# also match before a trailing newline.
END = r"(?![\s\S])"


def _text(max_length: int) -> list:
    return [validate.Length(min=1, max=max_length), validate.Regexp(r"^(?!\s*$)", error="must not be blank")]


NIK = validate.Regexp(r"^[0-9]{16}" + END, error="NIK must be exactly 16 digits (0-9), as on the KTP")
REGISTER_NUMBER = validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9 ./_-]{0,63}" + END,
                                  error="use 1 to 64 letters, digits, spaces and . / _ -, starting with a letter "
                                        "or digit")
OFFICER_ID = validate.Regexp(r"^[\w.@:-]{1,64}" + END, error="use 1 to 64 letters, digits and . @ : _ -")
SUPERVISION_TYPE = validate.OneOf(domain.SUPERVISION_TYPES,
                                  error="must be one of " + ", ".join(domain.SUPERVISION_TYPES))
SEX = validate.OneOf(("L", "P"), error="must be L (laki-laki) or P (perempuan)")


class Decree(Projected):
    number = fields.String(required=True, validate=_text(64), metadata={"description": "SK number"})
    date = IsoDate(required=True)


class DecreeField(fields.Nested):
    """The decree, whose errors come back as one list of messages: problem+json's `errors` maps a field to a list."""

    def _deserialize(self, *args, **kwargs):
        try:
            return super()._deserialize(*args, **kwargs)
        except ValidationError as exc:
            raise ValidationError(_flat(exc.messages)) from None


def _flat(messages, prefix: str = "") -> list[str]:
    if isinstance(messages, dict):
        return [m for key, value in messages.items()
                for m in _flat(value, prefix if key == "_schema" else f"{prefix}{key}: ")]
    if isinstance(messages, list):
        return [m for message in messages for m in _flat(message, prefix)]
    return [f"{prefix}{messages}"]


def _client_fields(required: bool) -> dict:
    return {
        "register_number": fields.String(required=required, validate=REGISTER_NUMBER,
                                         metadata={"description": "Unique within the region (any case)"}),
        "name": fields.String(required=required, validate=_text(200)),
        "nik": fields.String(required=required, validate=NIK),
        "birth_date": IsoDate(required=required),
        "sex": fields.String(required=required, validate=SEX),
        "address": fields.String(required=required, validate=_text(500)),
        "supervision_type": fields.String(required=required, validate=SUPERVISION_TYPE),
        "offence_category": fields.String(required=required, validate=validate.OneOf(
            domain.OFFENCE_CATEGORIES, error="must be one of " + ", ".join(domain.OFFENCE_CATEGORIES))),
        "decree": DecreeField(Decree, allow_none=True,
                                metadata={"description": "Required for PB, CB, CMB and ASIMILASI"}),
        "supervision_start": IsoDate(required=required),
        "supervision_end": IsoDate(required=required, metadata={"description": "After supervision_start"}),
        "officer_id": fields.String(required=required, validate=OFFICER_ID,
                                    metadata={"description": "The supervising PK"}),
        "bapas_office": fields.String(required=required, validate=_text(100)),
    }


ClientCreate = Projected.from_dict(_client_fields(True), name="ClientCreate")
ClientPatch = Schema.from_dict(_client_fields(False), name="ClientPatch")


class StatusChange(Schema):
    status = fields.String(required=True, validate=validate.OneOf(
        domain.STATUSES, error="must be completed, revoked or transferred (or active, by an admin, to undo)"),
        metadata={"description": "completed, revoked or transferred ends an active client; active (admin only, "
                                 "with the reason) undoes a status set in error: enrollments withdrawn meanwhile "
                                 "stay withdrawn"})
    reason = fields.String(required=True, validate=_text(1000))
    effective_date = IsoDate(required=True)


class ClientFilter(PageArgs):
    status = fields.String(validate=validate.OneOf(domain.STATUSES))
    officer_id = fields.String(validate=OFFICER_ID)
    supervision_type = fields.String(validate=SUPERVISION_TYPE)
    q = fields.String(validate=validate.Length(min=1, max=100),
                      metadata={"description": "Words that start the name's words or the register number"})
    attention = fields.Boolean(metadata={"description": "true: clients with an open attention flag (three "
                                         "unexcused absences in a row in guidance, or three missed reports in a "
                                         "row); false: the others"})
    ending_within_days = fields.Integer(strict=False, validate=validate.Range(min=0, max=3660),
                                        metadata={"description": "Active clients whose supervision_end is within "
                                                                 "this many days from today (soonest first)"})
    nik = fields.String(validate=NIK, metadata={"description": "Exact NIK (16 digits)"})
    report_due_by = IsoDate(metadata={"description": "Active clients whose next open wajib lapor due date "
                                                     "(next_report_due) is on or before this date, late ones "
                                                     "included (soonest first)"})
    guidance = fields.Boolean(metadata={"description": "true: each client comes with its guidance view, as on "
                                                       "GET /clients/{id} (a caseload's enrollments in one call)"})


class GuidanceEnrollment(Schema):
    enrollment_id = fields.UUID()
    program_id = fields.UUID()
    program_name = fields.String(allow_none=True, metadata={"description": "As pokmas names it (null until known)"})
    guidance_type = fields.String(allow_none=True, metadata={"description": "kepribadian or kemandirian"})
    group_id = fields.UUID()
    group_name = fields.String(allow_none=True, metadata={"description": "As pokmas names it (null until known)"})
    status = fields.String()
    start_date = IsoDate()
    ended_on = IsoDate(allow_none=True)
    sessions_attended = fields.Integer()
    sessions_missed = fields.Integer()
    attention_required = fields.Boolean(metadata={"description": "Three unexcused absences in a row, still open"})


class Guidance(Schema):
    active_enrollments = fields.Integer()
    completed_programs = fields.Integer()
    sessions_attended = fields.Integer()
    sessions_missed = fields.Integer()
    attention_required = fields.Integer(metadata={"description": "Open enrollments needing the PK's attention"})
    enrollments = fields.List(fields.Nested(GuidanceEnrollment))


class Client(Projected):
    id = fields.UUID()
    status = fields.String()
    version = fields.Integer()
    register_number, name, nik, sex = fields.String(), fields.String(), fields.String(), fields.String()
    address, supervision_type, offence_category = fields.String(), fields.String(), fields.String()
    officer_id, bapas_office = fields.String(), fields.String()
    birth_date, supervision_start, supervision_end = IsoDate(), IsoDate(), IsoDate()
    decree = fields.Nested(Decree, allow_none=True)
    status_reason = fields.String(allow_none=True)
    status_effective_date = IsoDate(allow_none=True)
    created_at, updated_at, status_changed_at = IsoDateTime(), IsoDateTime(), IsoDateTime(allow_none=True)
    created_by, updated_by, status_changed_by = fields.String(), fields.String(), fields.String(allow_none=True)
    guidance = fields.Nested(Guidance, metadata={"description": "On GET /clients/{id}, and on GET /clients "
                                                                 "items when asked with guidance=true"})
    reporting = fields.Nested(ReportingSummary, allow_none=True, metadata={
        "description": "Wajib lapor, only on GET /clients/{id}; null while the client has no schedule nor check-in"})
    next_report_due = IsoDate(allow_none=True, metadata={
        "description": "Only on GET /clients items: the earliest wajib lapor due date still open (due, not yet "
                       "kept or missed; a late one within its grace days included); null when none"})


class HistoryEntry(Schema):
    version = fields.Integer()
    action = fields.String(metadata={"description": "registered, updated or status_changed"})
    at = IsoDateTime()
    by = fields.String()
    fields_ = fields.List(fields.String(), attribute="fields", data_key="fields",
                          metadata={"description": "Names of the fields changed"})
    changes = fields.Dict(keys=fields.String(), values=fields.Dict(),
                          metadata={"description": "On a correction: each changed field's {old, new} (the NIK "
                                                   "masked for roles that see it masked)"})
    status = fields.String()
    previous_status = fields.String()
    effective_date = IsoDate()


class ClientExport(Schema):
    exported_at = IsoDateTime()
    exported_by = fields.String()
    klien = fields.Dict(metadata={"description": "The client record, its guidance view and its history"})
    bimbingan = fields.Dict(metadata={"description": "The client's enrollments with their attendance"})
    pokmas = fields.Dict(metadata={"description": "The groups and agreements of those enrollments"})


class ClientEventData(Schema):
    id = fields.UUID(required=True)
    register_number = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(domain.STATUSES))
    supervision_type = fields.String(required=True, validate=validate.OneOf(domain.SUPERVISION_TYPES))
    officer_id = fields.String(required=True)
    bapas_office = fields.String(required=True)
    supervision_start = IsoDate(required=True)
    supervision_end = IsoDate(required=True)
    status_effective_date = IsoDate(required=True, allow_none=True)


class GroupName(Schema):
    """What the guidance view reads of pokmas's group events (other keys are ignored)."""
    id = fields.UUID(required=True)
    name = fields.String(load_default=None, validate=validate.Length(max=200))

    class Meta:
        unknown = "exclude"


class ProgramName(Schema):
    id = fields.UUID(required=True)
    name = fields.String(load_default=None, validate=validate.Length(max=200))
    guidance_type = fields.String(load_default=None)

    class Meta:
        unknown = "exclude"


class AgreementPrograms(Schema):
    """What the guidance view reads of pokmas's agreement events: its programs' names and its group."""
    id = fields.UUID(required=True)
    group_id = fields.UUID(required=True)
    programs = fields.List(fields.Nested(ProgramName), required=True)

    class Meta:
        unknown = "exclude"


class EnrollmentState(Schema):
    """The part of bimbingan's enrollment event data the guidance view keeps (other keys are ignored)."""
    id = fields.UUID(required=True)
    client_id = fields.UUID(required=True)
    program_id = fields.UUID(required=True)
    group_id = fields.UUID(required=True)
    status = fields.String(required=True, validate=validate.OneOf(("enrolled", "completed", "withdrawn")))
    start_date = IsoDate(required=True)
    ended_on = IsoDate(required=True, allow_none=True)
    sessions_attended = fields.Integer(required=True, validate=validate.Range(min=0))
    sessions_missed = fields.Integer(required=True, validate=validate.Range(min=0))
    consecutive_absences = fields.Integer(required=True, validate=validate.Range(min=0))

    class Meta:
        unknown = "exclude"
