"""The CloudEvents 1.0 envelope of the contract (structured JSON mode), as a marshmallow schema.

`build_event` makes one; `parse_event` checks one that arrived and raises
`MalformedEvent` instead of letting a bad message crash a consumer.
"""
import json
import re

from marshmallow import Schema, ValidationError, fields, validate

from shared import clock, ids, jsontext

CONTENT_TYPE = "application/cloudevents+json"


class CloudEventSchema(Schema):
    specversion = fields.String(required=True, validate=validate.Equal("1.0"))
    id = fields.UUID(required=True, metadata={"description": "Unique event id; consumers deduplicate on it"})
    source = fields.String(required=True, validate=validate.Regexp(r"^/[a-z0-9_-]+/(klien|pokmas|bimbingan)$"),
                           metadata={"description": "/<region>/<service>"})
    type = fields.String(required=True, validate=validate.Regexp(r"^(klien|pokmas|bimbingan)\.[a-z_]+\.[a-z_]+$"),
                         metadata={"description": "Event type; also the routing key"})
    subject = fields.String(required=True, validate=validate.Length(min=1, max=64),
                            metadata={"description": "Id of the aggregate that changed"})
    time = fields.String(required=True, validate=validate.Regexp(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$"),
                         metadata={"description": "RFC 3339 UTC instant of the change"})
    datacontenttype = fields.String(required=True, validate=validate.Equal("application/json"))
    data = fields.Dict(required=True, metadata={"description": "The aggregate's state after the change"})
    region = fields.String(required=True, validate=validate.Length(min=1, max=32))
    sequence = fields.Integer(required=True, strict=True, validate=validate.Range(min=1),
                              metadata={"description": "The aggregate's version after the change"})
    dataversion = fields.Integer(required=True, strict=True, validate=validate.Range(min=1),
                                 metadata={"description": "Schema version of data"})
    correlationid = fields.String(required=True, validate=validate.Length(min=1, max=64))

    class Meta:
        unknown = "include"


_SCHEMA = CloudEventSchema()
_FIELDS = _SCHEMA.fields
_CANONICAL_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def _pattern(name: str) -> re.Pattern:
    return next(v.regex for v in _FIELDS[name].validators if isinstance(v, validate.Regexp))


def _bounds(name: str) -> tuple[int, int]:
    length = next(v for v in _FIELDS[name].validators if isinstance(v, validate.Length))
    return length.min, length.max


_SOURCE, _TYPE, _TIME = _pattern("source"), _pattern("type"), _pattern("time")
_LENGTHS = {name: _bounds(name) for name in ("subject", "region", "correlationid")}


def _plainly_valid(event: dict) -> bool:
    """The schema's checks written out, for the consumer's hot path (marshmallow's full load costs
    about 200 µs an event). It accepts only what the schema accepts, with the schema's own patterns
    and bounds; anything else (a UUID not in canonical form, a bool for an integer) goes to the
    schema, which decides and names the errors."""
    try:
        return (event["specversion"] == "1.0" and event["datacontenttype"] == "application/json"
                and isinstance(event["id"], str) and _CANONICAL_UUID.match(event["id"]) is not None
                and all(isinstance(event[name], str) and pattern.match(event[name]) is not None
                        for name, pattern in (("source", _SOURCE), ("type", _TYPE), ("time", _TIME)))
                and all(isinstance(event[name], str) and low <= len(event[name]) <= high
                        for name, (low, high) in _LENGTHS.items())
                and isinstance(event["data"], dict)
                and all(type(event[name]) is int and event[name] >= 1 for name in ("sequence", "dataversion")))
    except KeyError:
        return False


class MalformedEvent(ValueError):
    """A message that is not a valid event of the contract; it goes to the dead-letter queue."""


def build_event(*, region: str, service: str, type: str, subject: str, sequence: int,
                data: dict, correlation_id: str, dataversion: int = 1, time: str | None = None) -> dict:
    return {
        "specversion": "1.0",
        "id": ids.new_id(),
        "source": f"/{region}/{service}",
        "type": type,
        "subject": subject,
        "time": time or clock.instant(),
        "datacontenttype": "application/json",
        "data": data,
        "region": region,
        "sequence": int(sequence),
        "dataversion": dataversion,
        "correlationid": correlation_id,
    }


def encode(event: dict) -> str:
    """Compact JSON with sorted keys (shared.jsontext: orjson; the json module's encoder was about 4 % of
    a registration's CPU in issue 21's profile)."""
    return jsontext.dumps(event, sort_keys=True)


def parse_event(body) -> dict:
    """Decode and validate raw message bytes/text/dict; raise MalformedEvent with the reason."""
    try:
        if isinstance(body, (bytes, bytearray)):
            body = body.decode("utf-8")
        event = jsontext.loads(body) if isinstance(body, str) else body
    except (UnicodeDecodeError, ValueError) as exc:
        raise MalformedEvent(f"body is not JSON: {exc}") from None
    if not isinstance(event, dict):
        raise MalformedEvent("body is not a JSON object")
    if _plainly_valid(event):
        return event
    errors = _SCHEMA.validate(event)
    if errors:
        raise MalformedEvent(f"invalid CloudEvents envelope: {json.dumps(errors, sort_keys=True)}")
    return event


def check_origin(event: dict, *, region: str, also: tuple[str, ...] = ()) -> None:
    """Accept only events of our region (or of the regions a national view gathers: `also`) whose
    source is the service that owns the type."""
    owner = event["type"].split(".")[0]
    expected = event["region"] if event["region"] in also else region
    if event["region"] != expected or event["source"] != f"/{expected}/{owner}":
        raise MalformedEvent(
            f"event {event['id']} of type {event['type']!r} from unexpected source "
            f"{event['source']!r} / region {event['region']!r} (expected /{expected}/{owner})")


__all__ = ["CloudEventSchema", "MalformedEvent", "build_event", "encode", "parse_event", "check_origin",
           "CONTENT_TYPE", "ValidationError"]
