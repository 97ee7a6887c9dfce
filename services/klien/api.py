"""klien HTTP: request -> use case -> response. Full records are audited reads; NIK is masked by role."""
from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint

from services.klien.schemas import (Client, ClientCreate, ClientExport, ClientFilter, ClientPatch, HistoryEntry,
                                    StatusChange)
from shared.authz import EXPORT_CLIENT, READ, READ_CLIENTS, WRITE_CLIENTS, requires
from shared.http.auditing import mark_read
from shared.http.context import command_context
from shared.http.versioning import expected_version, with_etag
from shared.pagination import QUERY, PageArgs, page_schema

ClientPage = page_schema(Client, "ClientPage")
HistoryPage = page_schema(HistoryEntry, "HistoryPage")


def blueprint(clients) -> Blueprint:
    blp = Blueprint("clients", __name__, description="Clients (klien) under supervision")

    @blp.route("/clients")
    class Clients(MethodView):
        @requires(WRITE_CLIENTS)
        @blp.arguments(ClientCreate)
        @blp.response(201, Client)
        def post(self, body):
            return with_etag(clients.register(body, command_context(201)), 201)

        @requires(READ_CLIENTS)
        @blp.arguments(ClientFilter, **QUERY)
        @blp.response(200, ClientPage)
        def get(self, args):
            mark_read("list_clients")
            return clients.page(args, command_context())

    @blp.route("/clients/<uuid:client_id>")
    class ClientById(MethodView):
        @requires(READ)
        @blp.response(200, Client)
        def get(self, client_id):
            """The client with its guidance; a partner gets id and name only, of its own participants."""
            client = clients.get(str(client_id), command_context())
            mark_read("read_client_name" if g.principal.is_partner else "read_client")
            return with_etag(client)

        @requires(WRITE_CLIENTS)
        @blp.arguments(ClientPatch)
        @blp.response(200, Client)
        def patch(self, body, client_id):
            return with_etag(clients.correct(str(client_id), body, expected_version(), command_context()))

    @blp.route("/clients/<uuid:client_id>/status")
    class ClientStatus(MethodView):
        @requires(WRITE_CLIENTS)
        @blp.arguments(StatusChange)
        @blp.response(200, Client)
        def post(self, body, client_id):
            return with_etag(clients.change_status(str(client_id), body, expected_version(), command_context()))

    @blp.route("/clients/<uuid:client_id>/history")
    class ClientHistory(MethodView):
        @requires(READ_CLIENTS)
        @blp.arguments(PageArgs, **QUERY)
        @blp.response(200, HistoryPage)
        def get(self, args, client_id):
            return clients.history(str(client_id), args.get("cursor"), args["limit"], command_context())

    @blp.route("/clients/<uuid:client_id>/export")
    class ClientExportView(MethodView):
        @requires(EXPORT_CLIENT)
        @blp.response(200, ClientExport)
        def get(self, client_id):
            mark_read("export_client")
            return clients.export(str(client_id), command_context())

    return blp
