"""GET /audit: the service's audit trail, oldest first (admin and auditor)."""
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from shared.authz import READ_AUDIT, requires


class AuditArgs(Schema):
    after = fields.String(load_default=None, validate=validate.Regexp(r"^\d{1,20}-\d{1,20}$"),
                          metadata={"description": "id of the last entry you have"})
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))


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
            items, next_after = trail.page(args["after"], args["limit"])
            return {"items": items, "next_after": next_after}

    return blp
