"""klien HTTP: request -> store -> response (walking skeleton)."""
from flask.views import MethodView
from flask_smorest import Blueprint

from services.klien.schemas import Client, ClientCreate
from shared.authz import READ_CLIENTS, WRITE_CLIENTS, requires
from shared.http.context import command_context
from shared.http.versioning import with_etag


def blueprint(store) -> Blueprint:
    blp = Blueprint("clients", __name__, description="Clients (klien) under supervision")

    @blp.route("/clients")
    class Clients(MethodView):
        @requires(WRITE_CLIENTS)
        @blp.arguments(ClientCreate)
        @blp.response(201, Client)
        def post(self, body):
            return with_etag(store.register(body, command_context()), 201)

    @blp.route("/clients/<uuid:client_id>")
    class ClientById(MethodView):
        @requires(READ_CLIENTS)
        @blp.response(200, Client)
        def get(self, client_id):
            return with_etag(store.get(str(client_id)))

    return blp
