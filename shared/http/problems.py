"""Every error leaves as application/problem+json (RFC 9457): type, title, status, detail, errors."""
import logging

import redis
from flask import Response, json
from marshmallow import Schema, fields
from werkzeug.exceptions import HTTPException

from shared.errors import BapasError

log = logging.getLogger(__name__)

PROBLEM_TYPE = "urn:bapas:problem:{}"
CONTENT_TYPE = "application/problem+json"


class ProblemSchema(Schema):
    """Documents the error body in OpenAPI (errors are rendered by `problem`, not dumped)."""
    type = fields.String(required=True, metadata={"description": "urn:bapas:problem:<slug>"})
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.Raw()),
                         metadata={"description": "field -> messages, for 422"})


def problem(status: int, slug: str, title: str, detail: str, errors: dict | None = None,
            headers: dict | None = None) -> Response:
    body = {"type": PROBLEM_TYPE.format(slug), "title": title, "status": status, "detail": detail}
    if errors:
        body["errors"] = errors
    response = Response(json.dumps(body), status=status, mimetype=CONTENT_TYPE)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def from_bapas_error(error: BapasError) -> Response:
    return problem(error.status, error.slug, error.title, error.detail, error.errors, error.headers)


def from_http_exception(error: HTTPException) -> Response:
    """Werkzeug and webargs errors; webargs puts validation messages in error.data['messages']."""
    data = getattr(error, "data", None) or {}
    messages = data.get("messages") or data.get("errors")
    headers = dict(data.get("headers") or {})
    if error.code == 405 and error.valid_methods:
        headers["Allow"] = ", ".join(sorted(error.valid_methods))
    if messages and error.code == 422:
        return _validation_problem(messages, headers)
    if messages and error.code == 400:
        return problem(400, "malformed-body", "Malformed request", "the body is not valid JSON", None, headers)
    slug = (error.name or "error").lower().replace(" ", "-")
    return problem(error.code or 500, slug, error.name, error.description or error.name, None, headers)


def _validation_problem(messages: dict, headers: dict) -> Response:
    errors: dict = {}
    for location_errors in messages.values():
        if isinstance(location_errors, dict):
            errors.update(_flatten(location_errors))
    if list(errors) == ["_schema"]:
        return problem(400, "malformed-body", "Malformed request", "; ".join(map(str, errors["_schema"])),
                       None, headers)
    fields = ", ".join(sorted(errors))
    return problem(422, "validation-error", "Invalid fields", f"Invalid value for: {fields}", errors, headers)


def _flatten(errors: dict, prefix: str = "") -> dict:
    """Nested schemas' messages as dotted paths ("records.0.attendance"), so `errors` stays field -> [message]."""
    flat: dict = {}
    for key, value in errors.items():
        path = prefix.rstrip(".") if key == "_schema" and prefix else f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{path}."))
        else:
            flat.setdefault(path, []).extend(value if isinstance(value, list) else [value])
    return flat


def from_store_unavailable(error: Exception) -> Response:
    """Redis unreachable or still loading its AOF: nothing was written; the client may retry."""
    log.warning("Redis unavailable: %s", type(error).__name__)
    return problem(503, "unavailable", "Dependency unavailable",
                   "the service's data store is unavailable; nothing was changed, try again shortly",
                   headers={"Retry-After": "2"})


def from_store_error(error: Exception) -> Response:
    """Redis at its maxmemory (policy noeviction) refuses writes with OOM: nothing was written and
    nothing was evicted; the operator must make room. Any other Redis error is unexpected."""
    if isinstance(error, redis.OutOfMemoryError) or "OOM" in str(error):
        log.error("Redis refused a write: maxmemory reached")
        return problem(503, "storage-full", "Storage full",
                       "the service's data store is full; nothing was changed. Operators: raise Redis's "
                       "maxmemory or free memory", headers={"Retry-After": "30"})
    return from_unexpected(error)


def from_unexpected(error: Exception) -> Response:
    log.exception("unhandled error: %s", type(error).__name__)
    return problem(500, "internal-error", "Internal error", "an unexpected error occurred; it has been logged")
