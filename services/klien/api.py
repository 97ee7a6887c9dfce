"""klien HTTP: request -> store -> response. Full records are audited reads; NIK is masked by role."""
from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint

from services.klien import domain
from services.klien.schemas import (Client, ClientCreate, ClientExport, ClientFilter, ClientPatch, HistoryEntry,
                                    StatusChange)
from shared import clock
from shared.audit import mark_read
from shared.authz import EXPORT_CLIENT, READ, READ_CLIENTS, WRITE_CLIENTS, requires
from shared.http.context import command_context
from shared.http.versioning import expected_version, with_etag
from shared.pagination import PageArgs, page_schema

ClientPage = page_schema(Client, "ClientPage")
HistoryPage = page_schema(HistoryEntry, "HistoryPage")


def _shown(client: dict) -> dict:
    return domain.shown_to(client, g.principal.role)


def blueprint(store, search, gatherer, reports) -> Blueprint:
    blp = Blueprint("clients", __name__, description="Clients (klien) under supervision")

    @blp.route("/clients")
    class Clients(MethodView):
        @requires(WRITE_CLIENTS)
        @blp.arguments(ClientCreate)
        @blp.response(201, Client)
        def post(self, body):
            return with_etag(_shown(store.register(body, command_context())), 201)

        @requires(READ_CLIENTS)
        @blp.arguments(ClientFilter, location="query")
        @blp.response(200, ClientPage)
        def get(self, args):
            mark_read("list_clients")
            items, next_cursor = search.page(args, args.get("cursor"), args["limit"])
            return {"items": [_shown(c) for c in items], "next_cursor": next_cursor}

    @blp.route("/clients/<uuid:client_id>")
    class ClientById(MethodView):
        @requires(READ)
        @blp.response(200, Client)
        def get(self, client_id):
            """The client with its guidance and wajib lapor; a partner gets id and name only, of its own participants."""
            client = store.get(str(client_id))
            client["reporting"] = reports.summary(client)
            if g.principal.is_partner:
                mark_read("read_client_name")
                return with_etag(domain.partner_view(client, g.principal.group_id))
            mark_read("read_client")
            return with_etag(_shown(client))

        @requires(WRITE_CLIENTS)
        @blp.arguments(ClientPatch)
        @blp.response(200, Client)
        def patch(self, body, client_id):
            client = store.correct(str(client_id), body, expected_version(), command_context())
            return with_etag(_shown(client))

    @blp.route("/clients/<uuid:client_id>/status")
    class ClientStatus(MethodView):
        @requires(WRITE_CLIENTS)
        @blp.arguments(StatusChange)
        @blp.response(200, Client)
        def post(self, body, client_id):
            client = store.change_status(str(client_id), body, expected_version(), command_context())
            return with_etag(_shown(client))

    @blp.route("/clients/<uuid:client_id>/history")
    class ClientHistory(MethodView):
        @requires(READ_CLIENTS)
        @blp.arguments(PageArgs, location="query")
        @blp.response(200, HistoryPage)
        def get(self, args, client_id):
            items, next_cursor = store.history(str(client_id), args.get("cursor"), args["limit"])
            return {"items": items, "next_cursor": next_cursor}

    @blp.route("/clients/<uuid:client_id>/export")
    class ClientExportView(MethodView):
        @requires(EXPORT_CLIENT)
        @blp.response(200, ClientExport)
        def get(self, client_id):
            mark_read("export_client")
            client = store.get(str(client_id))
            return {"exported_at": clock.instant(), "exported_by": g.principal.sub,
                    "klien": {"client": client, "history": store.whole_history(client["id"]),
                              "reporting": reports.whole(client["id"])},
                    **gatherer.gather(client["id"])}

    return blp
