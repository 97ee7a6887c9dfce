"""pokmas: request, response and event-data schemas."""
from marshmallow import Schema, fields, validate

from services.pokmas import domain
from shared.fields import IsoDate, IsoDateTime
from shared.pagination import PageArgs


def _text(maximum: int, **kwargs):
    return fields.String(validate=validate.Length(min=1, max=maximum), **kwargs)


def _group_fields(required: bool) -> dict:
    return {
        "name": _text(200, required=required),
        "legal_form": fields.String(required=required, validate=validate.OneOf(domain.LEGAL_FORMS)),
        "address": _text(500, required=required),
        "contact": _text(200, required=required),
        "bapas_office": _text(100, required=required),
    }


GroupCreate = Schema.from_dict(_group_fields(True), name="GroupCreate")
GroupChange = Schema.from_dict(_group_fields(False), name="GroupChange")


class Group(GroupCreate):
    id = fields.UUID(required=True)
    status = fields.String(required=True)
    version = fields.Integer(required=True)
    created_at = IsoDateTime()
    created_by = fields.String()
    updated_at = IsoDateTime()
    updated_by = fields.String()


class GroupFilter(PageArgs):
    bapas_office = _text(100)
    legal_form = fields.String(validate=validate.OneOf(domain.LEGAL_FORMS))


class ProgramCreate(Schema):
    name = _text(200, required=True)
    guidance_type = fields.String(required=True, validate=validate.OneOf(domain.GUIDANCE_TYPES))
    capacity = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=10_000))


class ProgramChange(Schema):
    name = _text(200)
    guidance_type = fields.String(validate=validate.OneOf(domain.GUIDANCE_TYPES))
    capacity = fields.Integer(strict=True, validate=validate.Range(min=1, max=10_000))


class AgreementCreate(Schema):
    group_id = fields.UUID(required=True)
    number = _text(100, required=True)
    signed_on = IsoDate(required=True)
    valid_from = IsoDate(required=True)
    valid_until = IsoDate(required=True)
    programs = fields.List(fields.Nested(ProgramCreate), required=True, validate=validate.Length(min=1, max=50))


class Utilization(Schema):
    enrolled = fields.Integer(required=True)
    active = fields.Integer(required=True)
    completed = fields.Integer(required=True)
    withdrawn = fields.Integer(required=True)


class Program(ProgramCreate):
    id = fields.UUID(required=True)
    utilization = fields.Nested(Utilization, required=True)
    open = fields.Boolean(required=True, metadata={"description": "agreement active and a place left"})


class Agreement(Schema):
    id = fields.UUID(required=True)
    group_id = fields.UUID(required=True)
    number = fields.String(required=True)
    signed_on = IsoDate(required=True)
    valid_from = IsoDate(required=True)
    valid_until = IsoDate(required=True)
    status = fields.String(required=True, validate=validate.OneOf(domain.AGREEMENT_STATUSES))
    programs = fields.List(fields.Nested(Program), required=True)
    version = fields.Integer(required=True)
    suspension_reason = fields.String(allow_none=True)
    termination_reason = fields.String()
    created_at, updated_at = IsoDateTime(), IsoDateTime()
    created_by, updated_by = fields.String(), fields.String()


class AgreementFilter(PageArgs):
    group_id = fields.UUID()
    status = fields.String(validate=validate.OneOf(domain.AGREEMENT_STATUSES))


class Suspension(Schema):
    reason = _text(1000, load_default=None)


class Termination(Schema):
    reason = _text(1000, required=True)


class CatalogueProgram(Program):
    agreement_id = fields.UUID(required=True)
    agreement_number = fields.String(required=True)
    agreement_status = fields.String(required=True)
    group_id = fields.UUID(required=True)
    valid_until = IsoDate(required=True)


class ProgramFilter(PageArgs):
    guidance_type = fields.String(validate=validate.OneOf(domain.GUIDANCE_TYPES))
    open = fields.Boolean(metadata={"description": "true: agreement active and a place left; false: the others"})
    group_id = fields.UUID()


class ComplianceArgs(Schema):
    bapas_office = _text(100, required=True)


class Expiring(Schema):
    id = fields.UUID(required=True)
    number = fields.String(required=True)
    group_id = fields.UUID(required=True)
    status = fields.String(required=True)
    valid_until = IsoDate(required=True)


class ClientsServed(Schema):
    group_id = fields.UUID(required=True)
    name = fields.String(required=True)
    clients = fields.Integer(required=True, metadata={"description": "distinct clients ever enrolled"})


class Compliance(Schema):
    bapas_office = fields.String(required=True)
    as_of = IsoDate(required=True)
    groups = fields.Integer(required=True)
    agreements_by_status = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    expiring_within_60_days = fields.List(fields.Nested(Expiring), required=True)
    clients_served = fields.List(fields.Nested(ClientsServed), required=True)


class GroupEventData(Schema):
    id = fields.UUID(required=True)
    name = fields.String(required=True)
    legal_form = fields.String(required=True, validate=validate.OneOf(domain.LEGAL_FORMS))
    bapas_office = fields.String(required=True)
    status = fields.String(required=True)


class ProgramEventData(Schema):
    id = fields.UUID(required=True)
    name = fields.String(required=True)
    guidance_type = fields.String(required=True, validate=validate.OneOf(domain.GUIDANCE_TYPES))
    capacity = fields.Integer(required=True)


class AgreementEventData(Schema):
    id = fields.UUID(required=True)
    group_id = fields.UUID(required=True)
    number = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(domain.AGREEMENT_STATUSES))
    valid_from = IsoDate(required=True)
    valid_until = IsoDate(required=True)
    programs = fields.List(fields.Nested(ProgramEventData), required=True)


class EnrollmentState(Schema):
    """What the utilization view reads of bimbingan's enrollment events (other fields are ignored)."""
    id = fields.UUID(required=True)
    client_id = fields.UUID(required=True)
    program_id = fields.UUID(required=True)
    group_id = fields.UUID(required=True)
    status = fields.String(required=True)

    class Meta:
        unknown = "exclude"
