"""The CloudEvents envelope: what a consumer accepts and what it refuses."""
import json

import pytest

from shared import envelope


def make(**changes):
    event = envelope.build_event(region="sumsel", service="klien", type="klien.client.registered",
                                 subject="3f0c1a52-8a9e-4c39-9f57-2a8e5d1c0b7e", sequence=3, data={"id": "x"},
                                 correlation_id="c-1")
    event.update(changes)
    return event


def test_a_built_event_has_every_contract_field():
    event = make()
    assert event["specversion"] == "1.0"
    assert event["source"] == "/sumsel/klien"
    assert event["datacontenttype"] == "application/json"
    assert event["sequence"] == 3 and event["dataversion"] == 1 and event["region"] == "sumsel"
    assert event["time"].endswith("Z")
    assert envelope.parse_event(envelope.encode(event)) == event


@pytest.mark.parametrize("body, reason", [
    (b"\xff\xfe", "not JSON"),
    ("[1, 2]", "not a JSON object"),
    ("{", "not JSON"),
])
def test_undecodable_bodies_are_refused_with_a_reason(body, reason):
    with pytest.raises(envelope.MalformedEvent, match=reason):
        envelope.parse_event(body)


@pytest.mark.parametrize("field, value", [
    ("specversion", "0.3"), ("id", "not-a-uuid"), ("source", "klien"), ("type", "Klien Registered"),
    ("sequence", "3"), ("sequence", 0), ("time", "yesterday"), ("datacontenttype", "text/plain"),
    ("data", "x"),
])
def test_an_envelope_with_a_bad_field_is_refused(field, value):
    with pytest.raises(envelope.MalformedEvent, match=field):
        envelope.parse_event(json.dumps(make(**{field: value})))


def test_a_missing_field_is_refused():
    event = make()
    del event["correlationid"]
    with pytest.raises(envelope.MalformedEvent, match="correlationid"):
        envelope.parse_event(event)


def test_events_from_another_region_or_a_service_that_does_not_own_the_type_are_refused():
    envelope.check_origin(make(), region="sumsel")
    with pytest.raises(envelope.MalformedEvent):
        envelope.check_origin(make(region="jabar", source="/jabar/klien"), region="sumsel")
    with pytest.raises(envelope.MalformedEvent):
        envelope.check_origin(make(source="/sumsel/pokmas"), region="sumsel")


def test_a_national_view_accepts_the_regions_it_gathers_from_their_owners_only():
    national = {"region": "national", "also": ("sumsel", "jabar")}
    envelope.check_origin(make(region="jabar", source="/jabar/klien"), **national)
    envelope.check_origin(make(), **national)
    with pytest.raises(envelope.MalformedEvent, match="expected /jabar/klien"):
        envelope.check_origin(make(region="jabar", source="/sumsel/klien"), **national)
    with pytest.raises(envelope.MalformedEvent, match="expected /national/klien"):
        envelope.check_origin(make(region="jambi", source="/jambi/klien"), **national)


VARIANTS = [
    {}, {"id": "3F0C1A52-8A9E-4C39-9F57-2A8E5D1C0B7E"}, {"id": "3f0c1a528a9e4c399f572a8e5d1c0b7e"},
    {"id": 5}, {"sequence": True}, {"sequence": 2.0}, {"sequence": -1}, {"dataversion": 0}, {"subject": ""},
    {"subject": "x" * 65}, {"subject": "x" * 64}, {"region": None}, {"correlationid": "c" * 65}, {"data": []},
    {"source": "/sumsel/klien\n"}, {"source": "/sumsel/portal"}, {"time": "2026-11-29T01:02:03.5Z"},
    {"time": "2026-11-29T01:02:03+07:00"}, {"type": "klien.client"}, {"specversion": 1.0}, {"extra": "kept"},
]


@pytest.mark.parametrize("changes", VARIANTS)
def test_the_quick_check_accepts_nothing_the_schema_refuses(changes):
    event = make(**changes)
    if envelope._plainly_valid(event):
        assert envelope._SCHEMA.validate(event) == {}
    assert (envelope._SCHEMA.validate(event) == {}) == _parses(event)


def test_the_quick_check_accepts_a_built_event():
    assert envelope._plainly_valid(make())


def _parses(event) -> bool:
    try:
        envelope.parse_event(json.dumps(event))
    except envelope.MalformedEvent:
        return False
    return True


def test_an_encoded_event_is_the_json_modules_value_with_sorted_keys_and_integers_beyond_64_bits_still_encode():
    event = envelope.build_event(region="sumsel", service="klien", type="klien.client.registered",
                                 subject="c-1", sequence=1, correlation_id="corr-1",
                                 data={"name": "Budi Śantoso ✓", "b": [1, 2.5, None, True], "a": {"z": 1, "y": "\u2028"}})
    text = envelope.encode(event)
    assert json.loads(text) == event
    assert list(json.loads(text)) == sorted(event) and list(json.loads(text)["data"]["a"]) == ["y", "z"]
    assert text == json.dumps(event, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    huge = {**event, "data": {"n": 2 ** 70}}
    assert json.loads(envelope.encode(huge)) == huge
