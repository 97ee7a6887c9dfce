"""pokmas HTTP: request -> store -> response (walking skeleton)."""
from flask.views import MethodView
from flask_smorest import Blueprint

from services.pokmas.schemas import Group, GroupCreate
from shared.authz import READ, WRITE_PARTNERS, requires
from shared.http.context import command_context
from shared.http.versioning import with_etag


def blueprint(store) -> Blueprint:
    blp = Blueprint("groups", __name__, description="POKMAS LIPAS groups")

    @blp.route("/groups")
    class Groups(MethodView):
        @requires(WRITE_PARTNERS)
        @blp.arguments(GroupCreate)
        @blp.response(201, Group)
        def post(self, body):
            return with_etag(store.register(body, command_context()), 201)

    @blp.route("/groups/<uuid:group_id>")
    class GroupById(MethodView):
        @requires(READ)
        @blp.response(200, Group)
        def get(self, group_id):
            return with_etag(store.get(str(group_id)))

    return blp
