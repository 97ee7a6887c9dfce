"""How every endpoint reads its arguments (flask-smorest's @arguments, through webargs):

- No JSON text, however built, raises anything but "malformed": Python's json raises
  RecursionError for arrays or objects nested about a thousand deep, and ValueError (not
  JSONDecodeError) for an integer of more than 4,300 digits, which webargs lets through as a 500.
  Here they are JSONDecodeErrors, which webargs answers with 400.
- No text anywhere in a body or a query string holds a control character (NUL, ESC, CR, LF,
  TAB, DEL, C1), a bidirectional override or isolate, a line or paragraph separator, or a lone
  surrogate: such text spoofs what a PK reads, breaks logs and exports, or cannot even be stored
  as UTF-8. It is refused with 422 naming the field, for every field of every schema at once.
- A body that is not JSON (a form, plain text) is 415 naming the content type to send, and a JSON
  body that is not an object (an array, a string) is 400 "send a JSON object", instead of a list
  of every field as missing.
"""
import json
import re

from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.exceptions import BadRequest, UnsupportedMediaType

FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def forbidden_text(data, path: tuple = ()) -> dict:
    """{dotted.path: [message]} for every string (key or value) in `data` holding a forbidden character."""
    errors: dict = {}
    if isinstance(data, str):
        found = FORBIDDEN.search(data)
        if found:
            errors[".".join(map(str, path)) or "_schema"] = [
                f"must not contain control, bidirectional-override or surrogate characters "
                f"(found U+{ord(found.group()):04X})"]
    elif isinstance(data, dict):
        for key, value in data.items():
            errors.update(forbidden_text(key, (*path, key)) or forbidden_text(value, (*path, key)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            errors.update(forbidden_text(value, (*path, index)))
    return errors


def _plain_json(raw: bytes) -> bool:
    """A JSON body whose text holds no escape and no forbidden character: every key and string in it is
    spelled out in that text, so none holds one either and `forbidden_text` need not walk them (a
    client's record has some 40 strings: 3 % of a registration's API time). A body with an escape or a
    newline (pretty-printed) is walked."""
    return b"\\" not in raw and FORBIDDEN.search(raw.decode("utf-8", "replace")) is None


class BoundedParser(FlaskParser):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._schemas: dict[type, Schema] = {}

    def _get_schema(self, argmap, req):
        """One instance per schema class, built at its first request: webargs builds the class given
        to @arguments on every request (about 180 µs for a client's nested schema). A marshmallow
        schema keeps no state between loads, so the instance is shared by the worker's threads."""
        if isinstance(argmap, type) and issubclass(argmap, Schema):
            schema = self._schemas.get(argmap)
            if schema is None:
                schema = self._schemas.setdefault(argmap, argmap())
            return schema
        return super()._get_schema(argmap, req)

    def _raw_load_json(self, req):
        if not is_json_request(req):
            if req.content_length or req.get_data(cache=True):
                raise UnsupportedMediaType(f"send the body as application/json, not {req.mimetype or 'untyped data'}")
            return core.missing
        data = req.get_data(cache=True)
        try:
            return core.parse_json(data)
        except json.JSONDecodeError:
            raise
        except (RecursionError, ValueError) as exc:
            reason = "nested too deep" if isinstance(exc, RecursionError) else str(exc)
            raise json.JSONDecodeError(f"unreadable JSON: {reason}", doc=data[:100].decode("utf-8", "replace") or " ",
                                       pos=0) from None

    def _load_location_data(self, *, schema, req, location):
        data = super()._load_location_data(schema=schema, req=req, location=location)
        if location == "json" and data is not core.missing and not isinstance(data, dict):
            raise BadRequest("send a JSON object ({...}) as the body")
        if location in ("query", "querystring"):
            errors = forbidden_text(req.args.to_dict(flat=False))
        elif location == "json" and _plain_json(req.get_data(cache=True)):
            errors = {}
        else:
            errors = forbidden_text(data) if isinstance(data, (dict, list, str)) else {}
        if errors:
            raise ValidationError(errors)
        return data


def install() -> None:
    """flask-smorest takes the parser from the Blueprint class when a view is decorated, so this runs
    before any service builds its blueprints (at import of the app factory)."""
    Blueprint.ARGUMENTS_PARSER = BoundedParser()
