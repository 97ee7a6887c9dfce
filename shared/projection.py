"""A marshmallow dump without marshmallow's per-field machinery, for data already in its dumped form.

A record, an event's data or an answer is a dict of JSON values the schema would dump unchanged:
text for String, UUID, IsoDate and IsoDateTime fields, an int for Integer, a bool for Boolean, dicts
and lists for Nested and List. For those, `dump(schema, obj)` is `schema.dump(obj)` without the
getter, accessor and `_serialize` calls of every field (about 4 µs a field; a client's answer has 25).
Every other value (a date object, a number for a String field), every other field class, a schema
with pre- or post-dump hooks, a key that is a dotted path or a dict attribute, and a field with a
dump default goes through marshmallow's own field, so the result is always the same as
`schema.dump(obj)`: tests/unit/shared/test_projection.py compares them.
"""
import uuid as _uuid
from datetime import date as _date

from marshmallow import RAISE, Schema, ValidationError, fields
from marshmallow.decorators import POST_DUMP, POST_LOAD, PRE_DUMP, PRE_LOAD, VALIDATES, VALIDATES_SCHEMA
from marshmallow.utils import missing

from shared.fields import IsoDate, IsoDateTime

_TEXT, _INT, _AS_IS, _NESTED, _LIST, _FIELD, _UUID, _DATE = range(8)
_TEXT_FIELDS = (fields.String, fields.UUID, IsoDate, IsoDateTime)
_AS_IS_FIELDS = (fields.Raw, fields.Boolean)


def dump(schema: Schema, obj, *, many: bool | None = None):
    """`schema.dump(obj, many=many)`, the same result, faster when `obj` is already in dumped form."""
    plan = _plan(schema)
    many = schema.many if many is None else bool(many)
    if plan is None or many and obj is None:
        return Schema.dump(schema, obj, many=many)
    if many:
        return [_project(schema, plan, each) for each in obj]
    return _project(schema, plan, obj)


class Projected(Schema):
    """A schema whose dump is `dump` above (for answers built from records already in dumped form)."""

    def dump(self, obj, *, many: bool | None = None):
        return dump(self, obj, many=many)


def _plan(schema: Schema):
    """Per field: (attribute, key, kind, field, nested plan or inner field); None when the whole schema
    must go through marshmallow. Built once per schema instance (fields do not change after __init__)."""
    try:
        return schema.__dict__["_projection"]
    except KeyError:
        pass
    plan = None
    if not (schema._hooks[PRE_DUMP] or schema._hooks[POST_DUMP]) and schema.dict_class is dict \
            and type(schema).get_attribute is Schema.get_attribute:
        plan = [_step(name, field) for name, field in schema.dump_fields.items()]
    schema.__dict__["_projection"] = plan
    return plan


def _step(name: str, field) -> tuple:
    attribute = field.attribute if field.attribute is not None else name
    key = field.data_key if field.data_key is not None else name
    plain = (field._CHECK_ATTRIBUTE and field.dump_default is missing and "." not in attribute
             and not hasattr(dict, attribute))
    return (attribute, key, _kind(field) if plain else _FIELD, field, name)


def _kind(field) -> int:
    kind = type(field)
    if kind in _TEXT_FIELDS:
        return _TEXT
    if kind is fields.Integer and not field.as_string:
        return _INT
    if kind in _AS_IS_FIELDS:
        return _AS_IS
    if kind is fields.Nested and not field.many and _plan(field.schema) is not None and not field.schema.many:
        return _NESTED
    if kind is fields.List and type(field.inner) is fields.Nested and not field.inner.many \
            and not field.inner.schema.many and _plan(field.inner.schema) is not None:
        return _LIST
    return _FIELD


def _project(schema: Schema, plan: list, obj) -> dict:
    if type(obj) is not dict:
        return Schema.dump(schema, obj, many=False)
    result = {}
    for attribute, key, kind, field, name in plan:
        value = obj.get(attribute, missing)
        if value is missing and kind != _FIELD:
            continue
        if value is None and kind != _FIELD:
            result[key] = None
        elif kind == _TEXT and type(value) is str or kind == _INT and type(value) is int or kind == _AS_IS:
            result[key] = value
        elif kind == _NESTED and type(value) is dict:
            nested = field.schema
            result[key] = _project(nested, _plan(nested), value)
        elif kind == _LIST and type(value) is list:
            nested = field.inner.schema
            result[key] = [None if each is None else _project(nested, _plan(nested), each) for each in value]
        else:
            value = field.serialize(name, obj, accessor=schema.get_attribute)
            if value is not missing:
                result[key] = value
    return result


def validated(schema: Schema, data) -> dict:
    """`schema.dump(schema.load(data))`: the same result, or the same ValidationError. The usual fields
    (String, UUID, IsoDate, Integer, Boolean, Raw) are loaded and dumped by what their load and dump
    come to (UUID(text) then str, date.fromisoformat then isoformat, each field's validators); others go
    through their own deserialize and serialize; anything unusual (a schema with hooks, a key the
    schema does not know, an invalid value) through marshmallow's load and dump."""
    plan = _load_plan(schema)
    if plan is not None and type(data) is dict and (schema.unknown != RAISE or data.keys() <= plan[1]):
        try:
            return _load_and_dump(schema, plan[0], data)
        except (ValidationError, ValueError, TypeError):
            pass
    return Schema.dump(schema, schema.load(data), many=False)


def _load_and_dump(schema: Schema, steps: list, data: dict) -> dict:
    result = {}
    for key, kind, field, name in steps:
        value = data.get(key, missing)
        if value is missing:
            if field.required:
                raise ValidationError("required")
            continue
        if value is None:
            if not field.allow_none:
                raise ValidationError("null")
            result[key] = None
            continue
        if kind == _TEXT and type(value) is str:
            loaded = out = value
        elif kind == _UUID and type(value) is str:
            loaded = _uuid.UUID(value)
            out = str(loaded)
        elif kind == _DATE and type(value) is str and value:
            loaded = _date.fromisoformat(value)
            out = loaded.isoformat()
        elif kind == _INT and type(value) is int or kind == _AS_IS and (type(value) is bool or field.__class__
                                                                         is fields.Raw):
            loaded = out = value
        else:
            loaded = field.deserialize(value, name, data)
            out = field.serialize(name, {name: loaded}, accessor=schema.get_attribute)
            if out is not missing:
                result[key] = out
            continue
        if field.validators:
            field._validate(loaded)
        result[key] = out
    return result


def _load_plan(schema: Schema):
    """([(key, kind, field, name)], the keys the schema loads), or None: see `validated`."""
    try:
        return schema.__dict__["_load_projection"]
    except KeyError:
        pass
    plan = None
    hooks = (PRE_LOAD, POST_LOAD, VALIDATES, VALIDATES_SCHEMA, PRE_DUMP, POST_DUMP)
    if (not any(schema._hooks[hook] for hook in hooks) and not schema.many and schema.dict_class is dict
            and type(schema).get_attribute is Schema.get_attribute
            and list(schema.load_fields) == list(schema.dump_fields)
            and all(_loads_plainly(name, field) for name, field in schema.load_fields.items())):
        plan = ([(name, _load_kind(field), field, name) for name, field in schema.load_fields.items()],
                set(schema.load_fields))
    schema.__dict__["_load_projection"] = plan
    return plan


def _loads_plainly(name: str, field) -> bool:
    return (field.attribute in (None, name) and field.data_key in (None, name) and field._CHECK_ATTRIBUTE
            and field.load_default is missing and field.dump_default is missing and "." not in name
            and not hasattr(dict, name))


def _load_kind(field) -> int:
    kind = type(field)
    if kind is fields.String:
        return _TEXT
    if kind is fields.UUID:
        return _UUID
    if kind is IsoDate and field.format in (None, "iso", "iso8601"):
        return _DATE
    if kind is fields.Integer:
        return _INT
    if kind in _AS_IS_FIELDS:
        return _AS_IS
    return _FIELD
