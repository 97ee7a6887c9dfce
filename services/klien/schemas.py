"""klien: request, response and event-data schemas (walking skeleton; issue 3 completes it)."""
from marshmallow import Schema, fields, validate

from shared.fields import IsoDate

SUPERVISION_TYPES = ("PB", "CB", "CMB", "ASIMILASI", "PIDANA_BERSYARAT", "DIVERSI")


class ClientCreate(Schema):
    register_number = fields.String(required=True, validate=validate.Length(min=1, max=64))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    supervision_type = fields.String(required=True, validate=validate.OneOf(SUPERVISION_TYPES))
    officer_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    nik = fields.String(required=True, validate=validate.Regexp(r"^\d{16}$"))
    birth_date = IsoDate(required=True)
    sex = fields.String(required=True, validate=validate.OneOf(("L", "P")))
    address = fields.String(required=True)
    offence_category = fields.String(required=True)
    decree = fields.Dict()
    supervision_start = IsoDate(required=True)
    supervision_end = IsoDate(required=True)
    bapas_office = fields.String(required=True)


class Guidance(Schema):
    active_enrollments = fields.Integer()
    completed_programs = fields.Integer()
    sessions_attended = fields.Integer()
    sessions_missed = fields.Integer()
    enrollments = fields.List(fields.Dict())


class Client(ClientCreate):
    id = fields.UUID()
    status = fields.String()
    version = fields.Integer()
    guidance = fields.Nested(Guidance)


class ClientEventData(Schema):
    id = fields.UUID(required=True)
    register_number = fields.String(required=True)
    status = fields.String(required=True)
    supervision_type = fields.String(required=True)
    officer_id = fields.String(required=True)
