"""GET /events (the service's published events, in order) and GET /asyncapi.json."""
from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from shared import asyncapi, jsontext
from shared.authz import READ_EVENTS, requires
from shared.envelope import CloudEventSchema
from shared.ids import is_uuid
from shared.errors import Invalid


class FeedArgs(Schema):
    after = fields.String(load_default=None, metadata={"description": "Id of the last event you have; omit to "
                                                                       "start at the oldest event kept"})
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))
    type = fields.String(load_default=None, validate=validate.Length(max=500),
                         metadata={"description": "Comma-separated event types to return"})


class FeedSchema(Schema):
    items = fields.List(fields.Nested(CloudEventSchema), required=True)
    next_after = fields.String(allow_none=True, required=True)


def feed_answer(events: list[str], next_after: str | None):
    """The page as FeedSchema's dump would answer it, without parsing and dumping each event again: every
    worker reads its sources' feeds, so each event was read and written back once per consumer (15 % of
    bimbingan's API CPU in an enrollment burst). An event is stored as the envelope's JSON with sorted keys
    (envelope.encode), which is what dumping it through CloudEventSchema and Flask's JSON gives; the page's
    own keys are sorted too, and the answer ends with a newline, as the app's JSON provider writes it."""
    body = '{"items":[' + ",".join(events) + '],"next_after":' + jsontext.dumps(next_after) + "}\n"
    return current_app.response_class(body, mimetype=current_app.json.mimetype)


def events_blueprint(runtime) -> Blueprint:
    blp = Blueprint("events", __name__, description="This service's published events, for catch-up and replay")

    @blp.route("/events")
    class Feed(MethodView):
        @requires(READ_EVENTS)
        @blp.arguments(FeedArgs, location="query")
        @blp.response(200, FeedSchema)
        def get(self, args):
            """Events oldest first, after the event id `after`; next_after is null at the end."""
            if args["after"] is not None and not is_uuid(args["after"]):
                raise Invalid({"after": ["must be the id (UUID) of an event from this feed"]})
            types = set(args["type"].split(",")) if args["type"] else None
            items, next_after = runtime.outbox.page_text(args["after"], args["limit"], types)
            return feed_answer(items, next_after)

    @blp.route("/asyncapi.json")
    class AsyncApi(MethodView):
        @blp.doc(security=[])
        @blp.response(200)
        def get(self):
            """AsyncAPI 3.0 document of the events this service publishes."""
            return asyncapi.document(runtime.outbox.catalog, region=runtime.settings.region)

    return blp
