"""A minimal service on the shared HTTP plumbing, to test the plumbing itself."""
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from shared.authz import READ, WRITE_CLIENTS, requires
from shared.config import Settings
from shared.http.app import build_app
from shared.http.context import command_context
from shared.catalog import Event
from shared.runtime import build_runtime
from shared.unit_of_work import UnitOfWork
from tests.support.backbone import CATALOG, TYPE
from tests.support.client import REGION, SECRET


class ThingIn(Schema):
    name = fields.String(required=True, validate=validate.Length(max=50))
    count = fields.Integer(required=True)


def make_app(redis_url: str, broker_url: str | None = None, region: str = REGION, secret: str = SECRET,
             trusted_proxies: str = "", **more_settings):
    settings = Settings(redis_url=redis_url, broker_url=broker_url or redis_url, region=region, jwt_secret=secret,
                        max_body_bytes=10_000, trusted_proxies=trusted_proxies, **more_settings)
    runtime = build_runtime("klien", CATALOG, settings)
    blp = Blueprint("things", __name__)

    @blp.route("/things")
    class Things(MethodView):
        @requires(WRITE_CLIENTS)
        @blp.arguments(ThingIn)
        @blp.response(201)
        def post(self, body):
            ctx = command_context(201)

            def work(tx):
                return tx.commit(ctx, [Event(TYPE, "t-1", 1, {"id": "t-1", "status": "new"})])[0]
            return UnitOfWork(runtime).run(work)

        @requires(READ)
        @blp.response(200)
        def get(self):
            return {"items": []}

    return build_app(runtime, title="plumbing", description="test", blueprints=[blp])
