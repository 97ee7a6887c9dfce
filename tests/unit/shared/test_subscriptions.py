"""Subscriptions: read from the decorators without importing, and every handler's data validated alike."""
import pytest
from marshmallow import Schema, fields

from shared.subscriptions import Subscriptions, declared


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
