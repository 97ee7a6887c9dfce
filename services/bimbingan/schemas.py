"""bimbingan: request, response and event-data schemas (walking skeleton; issue 5 completes it)."""
from marshmallow import Schema, fields, validate


class EnrollmentCreate(Schema):
    client_id = fields.UUID(required=True)
    program_id = fields.UUID(required=True)
    start_date = fields.Date()
    note = fields.String(validate=validate.Length(max=2000))


class Enrollment(Schema):
    id = fields.UUID()
    client_id = fields.UUID()
    program_id = fields.UUID()
    group_id = fields.UUID(allow_none=True)
    status = fields.String()
    version = fields.Integer()


class EnrollmentEventData(Schema):
    id = fields.UUID(required=True)
    client_id = fields.UUID(required=True)
    program_id = fields.UUID(required=True)
    group_id = fields.UUID(required=True, allow_none=True)
    status = fields.String(required=True)
    sessions_attended = fields.Integer(required=True)
    sessions_missed = fields.Integer(required=True)
