"""pokmas: request, response and event-data schemas (walking skeleton; issue 4 completes it)."""
from marshmallow import Schema, fields, validate

LEGAL_FORMS = ("yayasan", "pesantren", "company", "training_centre", "religious_org", "individual", "other")


class GroupCreate(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    legal_form = fields.String(required=True, validate=validate.OneOf(LEGAL_FORMS))
    address = fields.String(required=True, validate=validate.Length(min=1, max=500))
    contact = fields.String(required=True, validate=validate.Length(min=1, max=200))
    bapas_office = fields.String(required=True, validate=validate.Length(min=1, max=100))


class Group(GroupCreate):
    id = fields.UUID()
    version = fields.Integer()


class GroupEventData(Schema):
    id = fields.UUID(required=True)
    legal_form = fields.String(required=True)
    bapas_office = fields.String(required=True)
