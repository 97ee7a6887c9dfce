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


def test_a_body_whose_text_has_no_escape_and_no_forbidden_character_needs_no_walk():
    from shared.http.request_parser import _plain_json
    assert _plain_json('{"name":"Siti \u0628\u0627\u0628 \U0001f600","n":[1,2]}'.encode())
    assert not _plain_json(b'{"name":"a\\u202eb"}')          # an escape may spell anything: walked
    assert not _plain_json('{"name":"a\u202eb"}'.encode())     # written out: found in the text
    assert not _plain_json(b'{\n  "name": "a"\n}')               # pretty-printed: walked (and passes)
