"""marshmallow's load and dump without its per-field machinery, for the usual fields and values.

A record, an event's data or an answer is a dict of JSON values a schema dumps unchanged: text for
String, UUID, IsoDate and IsoDateTime fields, an int for Integer, a bool for Boolean, dicts and
lists for Nested and List. `dump(schema, obj)` is `schema.dump(obj)` without the getter, accessor and
`_serialize` calls of every field (a client's answer has 25); `load(schema, data)` is
`schema.load(data)` by what the usual fields' load comes to (the text itself, UUID(text),
date.fromisoformat, each field's validators); `validated` is a load then a dump (an event's check).
Every other value (a date object to dump, a number for a String field), field class, a schema with
hooks, a key that is a dotted path or a dict attribute, a field with a default goes through
marshmallow's own field or schema, and so does any data with an error, so that the result and the
error are always marshmallow's: tests/unit/shared/test_projection.py compares them.
"""
import re
import uuid as _uuid
from datetime import date as _date

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields
from marshmallow.decorators import POST_DUMP, POST_LOAD, PRE_DUMP, PRE_LOAD, VALIDATES, VALIDATES_SCHEMA
from marshmallow.utils import missing

from shared.fields import IsoDate, IsoDateTime

_TEXT, _UUID, _DATE, _INT, _AS_IS, _NESTED, _LIST, _FIELD = range(8)
_ISO = (None, "iso", "iso8601")
_TEXT_FIELDS = (fields.String, fields.UUID, IsoDate, IsoDateTime)
_AS_IS_FIELDS = (fields.Raw, fields.Boolean)
_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


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
    """A schema whose dump is `dump` above (for answers built from records already in dumped form) and
    whose load of a whole object is `load` below (a request's body)."""

    def dump(self, obj, *, many: bool | None = None):
        return dump(self, obj, many=many)

    def load(self, data, *, many: bool | None = None, partial=None, unknown: str | None = None):
        if many or self.many or partial or self.partial:
            return super().load(data, many=many, partial=partial, unknown=unknown)
        return load(self, data, unknown=unknown)


def load(schema: Schema, data, *, unknown: str | None = None):
    """`schema.load(data, unknown=unknown)`, the same result or the same ValidationError: at the first
    error or anything unusual, marshmallow's load does it all again (and names every error)."""
    plan = _load_plan(schema)
    unknown = schema.unknown if unknown is None else unknown
    if plan is not None and type(data) is dict and (unknown == EXCLUDE or unknown == RAISE and data.keys() <= plan[1]):
        try:
            return _loaded(schema, plan[0], data)
        except (ValidationError, ValueError, TypeError):
            pass
    return Schema.load(schema, data, unknown=unknown)


def _loaded(schema: Schema, steps: list, data: dict) -> dict:
    result = {}
    partial = {} if schema.partial is None else {"partial": schema.partial}
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
            loaded = value
        elif kind == _UUID and type(value) is str:
            loaded = _uuid.UUID(value)
        elif kind == _DATE and type(value) is str and value:
            loaded = _date.fromisoformat(value)
        elif kind == _INT and type(value) is int or kind == _AS_IS and (type(value) is bool or field.__class__
                                                                         is fields.Raw):
            loaded = value
        else:
            result[key] = field.deserialize(value, name, data, **partial)
            continue
        if field.validators:
            field._validate(loaded)
        result[key] = loaded
    return result


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
    if kind is fields.UUID:
        return _UUID
    if kind is IsoDate and field.format in _ISO:
        return _DATE
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
        elif kind <= _DATE and type(value) is str or kind == _INT and type(value) is int or kind == _AS_IS:
            result[key] = value
        elif kind == _UUID and type(value) is _uuid.UUID or kind == _DATE and type(value) is _date:
            result[key] = str(value) if kind == _UUID else value.isoformat()
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
    """`schema.dump(schema.load(data))`: the same result, or the same ValidationError. Data the schema
    would give back unchanged is taken as it is (`unchanged`, a third of the cost of `load` then
    `dump`); any other goes through `load`, then `dump`."""
    plain = unchanged(schema, data)
    return plain if plain is not None else dump(schema, load(schema, data), many=False)


def unchanged(schema: Schema, data) -> dict | None:
    """`data`'s declared fields, each unchanged, when the schema's load then dump would give exactly that;
    None when the schema must decide (a field missing, a value of another form, a refused value)."""
    plan = _unchanged_plan(schema)
    if plan is None or type(data) is not dict:
        return None
    if schema.unknown == RAISE and len(data) != len(plan):
        return None
    out = {}
    for name, check, validators, allow_none in plan:
        if name not in data:
            return None
        value = data[name]
        if value is None:
            if not allow_none:
                return None
            out[name] = None
            continue
        if check(value) is None:
            return None
        for validator in validators:
            try:
                if validator(value) is False:
                    return None
            except Exception:
                return None
        out[name] = value
    return out


def _unchanged_plan(schema: Schema):
    """(name, check, validators, allow_none) per field, or None: the schema alone decides its data
    (a schema with hooks, or a field other than String, Integer, and UUID and an ISO IsoDate without
    validators)."""
    try:
        return schema.__dict__["_unchanged_plan"]
    except KeyError:
        pass
    plan = []
    if any(schema._hooks.values()) or schema.unknown not in (EXCLUDE, RAISE) \
            or list(schema.load_fields) != list(schema.dump_fields):
        plan = None
    for name, field in schema.load_fields.items() if plan is not None else ():
        kind = type(field)
        if kind is fields.String:
            check = _text
        elif kind is fields.UUID and not field.validators:
            check = _canonical_uuid
        elif kind is IsoDate and not field.validators and field.format in (None, "iso"):
            check = _iso_date
        elif kind is fields.Integer and not field.as_string:
            check = _integer
        else:
            plan = None
            break
        if field.data_key not in (None, name) or field.attribute not in (None, name):
            plan = None
            break
        plan.append((name, check, tuple(field.validators), field.allow_none))
    schema.__dict__["_unchanged_plan"] = plan
    return plan


def _text(value):
    return value if type(value) is str else None


def _integer(value):
    """An int as Integer loads and dumps it unchanged (a bool is refused by its load), else None."""
    return value if type(value) is int else None


def _canonical_uuid(value):
    """A UUID as marshmallow's UUID field dumps it (lower case, hyphens), else None: text of that form is
    exactly what str(UUID(text)) gives back unchanged (a third of the cost of parsing it)."""
    return value if type(value) is str and _CANONICAL_UUID.fullmatch(value) else None


def _iso_date(value):
    """YYYY-MM-DD of a real date, as IsoDate dumps the date it loads, else None."""
    if type(value) is not str or len(value) != 10 or not value.isascii():
        return None
    try:
        return value if _date.fromisoformat(value).isoformat() == value else None
    except ValueError:
        return None


def _load_plan(schema: Schema):
    """([(key, kind, field, name)], the keys the schema loads), or None when the whole schema must go
    through marshmallow's load."""
    try:
        return schema.__dict__["_load_projection"]
    except KeyError:
        pass
    plan = None
    hooks = (PRE_LOAD, POST_LOAD, VALIDATES, VALIDATES_SCHEMA)
    if (not any(schema._hooks[hook] for hook in hooks) and not schema.many and schema.dict_class is dict
            and all(_loads_plainly(name, field) for name, field in schema.load_fields.items())):
        plan = ([(name, _load_kind(field), field, name) for name, field in schema.load_fields.items()],
                set(schema.load_fields))
    schema.__dict__["_load_projection"] = plan
    return plan


def _loads_plainly(name: str, field) -> bool:
    return (field.attribute in (None, name) and field.data_key in (None, name) and field._CHECK_ATTRIBUTE
            and field.load_default is missing and "." not in name)


def _load_kind(field) -> int:
    kind = type(field)
    if kind is fields.String:
        return _TEXT
    if kind is fields.UUID:
        return _UUID
    if kind is IsoDate and field.format in _ISO:
        return _DATE
    if kind is fields.Integer:
        return _INT
    if kind in _AS_IS_FIELDS:
        return _AS_IS
    return _FIELD
