"""How endpoints read their arguments (shared/http/request_parser.py)."""
from marshmallow import Schema, fields

from shared.http.request_parser import BoundedParser, forbidden_text


class Thing(Schema):
    name = fields.String()


def test_a_schema_class_given_to_arguments_is_built_once_and_shared():
    parser = BoundedParser()
    schema = parser._get_schema(Thing, None)
    assert isinstance(schema, Thing) and parser._get_schema(Thing, None) is schema


def test_a_schema_instance_is_used_as_given():
    given = Thing()
    assert BoundedParser()._get_schema(given, None) is given


def test_forbidden_characters_are_named_by_their_path():
    assert set(forbidden_text({"a": ["ok", "bad\x00"], "b": "fine"})) == {"a.1"}
