"""GET /audit: the service's audit trail, oldest first or newest first (admin and auditor)."""
import re

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate

from shared.authz import READ_AUDIT, requires

MAX_PART = 2 ** 64 - 1  # each half of a Redis stream id is an unsigned 64-bit integer


def _stream_id(value: str) -> None:
    """Two unsigned 64-bit integers, as Redis reads a stream id (anything else is an error there, a 500 here)."""
    parts = re.fullmatch(r"([0-9]{1,20})-([0-9]{1,20})", value, re.ASCII)
    if parts is None or any(int(part) > MAX_PART for part in parts.groups()):
        raise ValidationError("not an audit entry id; use next_after from the previous page")


class AuditArgs(Schema):
    after = fields.String(load_default=None, validate=[validate.Regexp(r"^[0-9]{1,20}-[0-9]{1,20}$"), _stream_id],
                          metadata={"description": "id of the last entry you have"})
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))
    order = fields.String(load_default="oldest", validate=validate.OneOf(("oldest", "newest")),
                          metadata={"description": "oldest (default) or newest first; `after` and next_after "
                                                   "follow the same order"})


class AuditEntry(Schema):
    id = fields.String()
    at = fields.String()
    sub = fields.String()
    role = fields.String()
    action = fields.String()
    method = fields.String()
    path = fields.String()
    status = fields.Integer(allow_none=True, metadata={"description": "the answer's status (for an entry "
                                                                       "committed with the change: the status "
                                                                       "the write answers when it commits)"})
    resource_id = fields.String(allow_none=True, metadata={"description": "the record the request named, or "
                                                                          "the one its change created"})
    outcome = fields.String(metadata={"description": "committed: written in the change's own transaction"})
    request_id = fields.String(allow_none=True)
    remote_addr = fields.String(allow_none=True)
    hash = fields.String()


class AuditPage(Schema):
    items = fields.List(fields.Nested(AuditEntry), required=True)
    next_after = fields.String(allow_none=True, required=True)


def audit_blueprint(trail) -> Blueprint:
    blp = Blueprint("audit", __name__, description="Who did and read what, when, from where (append-only)")

    @blp.route("/audit")
    class Audit(MethodView):
        @requires(READ_AUDIT)
        @blp.arguments(AuditArgs, location="query")
        @blp.response(200, AuditPage)
        def get(self, args):
            """Audit entries after `after`; next_after is null at the end."""
            items, next_after = trail.page(args["after"], args["limit"], newest_first=args["order"] == "newest")
            return {"items": items, "next_after": next_after}

    return blp
