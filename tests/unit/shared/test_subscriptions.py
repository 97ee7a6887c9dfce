"""Subscriptions: read from the decorators without importing, and every handler's data validated alike."""
import random
import uuid

import pytest
from marshmallow import Schema, ValidationError, fields

from shared import projection
from shared.subscriptions import Subscriptions, declared, validated


def write_handlers(tmp_path, source: str):
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "handlers.py").write_text(source)
    return tmp_path


def test_declared_types_are_read_from_literals_and_module_tuples(tmp_path):
    services = write_handlers(tmp_path, '''
ENDED = ("a.x.ended", "a.x.gone")

@subscriptions.handles("a.x.created", *ENDED, data=S)
def one(cases, tx, data, event): ...

@subscriptions.handles("b.y.changed", data=T)
def two(cases, tx, data, event): ...
''')
    assert declared("svc", services) == ["a.x.created", "a.x.ended", "a.x.gone", "b.y.changed"]
    assert declared("none", services) == []


def test_a_type_that_is_not_a_literal_is_refused(tmp_path):
    services = write_handlers(tmp_path, '''
@subscriptions.handles(some_function(), data=S)
def one(cases, tx, data, event): ...
''')
    with pytest.raises(ValueError, match="string literals"):
        declared("svc", services)


class Data(Schema):
    id = fields.UUID(required=True)

    class Meta:
        unknown = "exclude"


def test_a_handler_gets_its_data_as_the_schema_dumps_it_or_nothing_runs():
    subscriptions, seen = Subscriptions(), []

    @subscriptions.handles("a.x.created", data=Data)
    def created(cases, tx, data, event):
        seen.append((cases, tx, data))

    class Uow:
        def on(self, pipe):
            return ("tx", pipe)

    handler = subscriptions.bind("cases", Uow())["a.x.created"]
    event = {"id": "e-1", "type": "a.x.created", "data": {"id": "3f0c1a52-8a9e-4c39-9f57-2a8e5d1c0b7e", "x": 1}}
    handler("pipe", event)
    assert seen == [("cases", ("tx", "pipe"), {"id": "3f0c1a52-8a9e-4c39-9f57-2a8e5d1c0b7e"})]
    with pytest.raises(ValueError, match="a.x.created e-1: data does not match"):
        handler("pipe", {**event, "data": {"id": "nope"}})
    assert len(seen) == 1


def test_a_type_handled_twice_is_a_mistake():
    subscriptions = Subscriptions()
    subscriptions.handles("a.x.created", data=Data)(lambda *args: None)
    with pytest.raises(ValueError, match="handled twice"):
        subscriptions.handles("a.x.created", data=Data)(lambda *args: None)


# -- the fast path for plainly valid data: it accepts only what the schema accepts, and gives what it gives --

def _all_schemas():
    import importlib
    schemas = []
    for service in ("klien", "bimbingan", "pokmas", "laporan"):
        subs = importlib.import_module(f"services.{service}.handlers").subscriptions
        schemas += [schema for _, schema, _ in subs._handlers.values()]
    return list({type(schema): schema for schema in schemas}.values())  # each schema once


def _candidates(field) -> list:
    from marshmallow import validate
    values = ["a", "", "PB", "x\x00y", "2026-11-03", "2026-1-03", "2026-02-30", "20261103", "2026-11-03T00:00",
              "\uff12\uff10\uff12\uff16-11-03", str(uuid.uuid4()), str(uuid.uuid4()).upper(), uuid.uuid4().hex,
              f"{{{uuid.uuid4()}}}", None, 5, 2.5, True, [], {}, "a" * 300]
    for validator in field.validators:
        if isinstance(validator, validate.OneOf):
            values += list(validator.choices)
    return values


def _field_accepts(field, value) -> bool:
    try:
        field.deserialize(value)
    except ValidationError:
        return False
    return True


def _slow(schema, data):
    try:
        return schema.dump(schema.load(data))
    except ValidationError:
        return "refused"


def test_plainly_valid_data_is_exactly_what_the_schema_loads_and_dumps():
    rng = random.Random(21)
    checked_fast = 0
    for schema in _all_schemas():
        choices = {name: _candidates(field) for name, field in schema.load_fields.items()}
        # Per field, the values it accepts: mostly valid data, of every form the field takes.
        accepted = {name: [v for v in choices[name] if _field_accepts(field, v)] or [None]
                    for name, field in schema.load_fields.items()}
        for _ in range(200):
            pool = accepted if rng.random() < 0.7 else choices
            data = {name: rng.choice(values) for name, values in pool.items()}
            if rng.random() < 0.2 and data:
                del data[rng.choice(list(data))]
            if rng.random() < 0.2:
                data["extra"] = "x"
            fast = projection.unchanged(schema, data)
            if fast is not None:
                checked_fast += 1
                slow = _slow(schema, data)
                assert slow != "refused", (type(schema).__name__, data)
                assert list(fast.items()) == list(slow.items()), (type(schema).__name__, data)
    assert checked_fast > 50


def test_a_client_event_s_data_takes_the_fast_path_and_a_bad_one_is_still_refused():
    from services.bimbingan.handlers import subscriptions as bimbingan
    from services.laporan.handlers import subscriptions as laporan
    data = {"id": str(uuid.uuid4()), "register_number": "R-1", "status": "active", "supervision_type": "PB",
            "offence_category": "lainnya", "officer_id": "pk-1", "bapas_office": "palembang",
            "supervision_start": "2026-11-03", "supervision_end": "2027-12-31", "decree_number": None,
            "status_effective_date": None}
    event = {"type": "klien.client.registered", "id": "e-1", "data": data}
    for subs in (laporan, bimbingan):
        _, schema, _ = subs._handlers["klien.client.registered"]
        assert projection.unchanged(schema, data) == validated(schema, event) is not None
        with pytest.raises(ValueError, match="data does not match"):
            validated(schema, {**event, "data": {**data, "supervision_start": "2026-13-01"}})
