"""klien HTTP: request -> use case -> response. Full records are audited reads; NIK is masked by role.
Two blueprints: the clients, and their wajib lapor (schedule, check-ins, attention flag)."""
from flask import g, request
from flask.views import MethodView
from flask_smorest import Blueprint

from services.klien.reporting_schemas import AttentionClear, CheckIn, CheckInCreate, Reporting, ScheduleSet
from services.klien.schemas import (Client, ClientCreate, ClientExport, ClientFilter, ClientPatch, HistoryEntry,
                                    StatusChange)
from shared import idempotency
from shared.authz import EXPORT_CLIENT, READ, READ_CLIENTS, WRITE_CLIENTS, requires
from shared.http.auditing import mark_read
from shared.http.context import command_context
from shared.http.versioning import expected_version, with_etag
from shared.pagination import QUERY, PageArgs, page_schema

ClientPage = page_schema(Client, "ClientPage")
HistoryPage = page_schema(HistoryEntry, "HistoryPage")
CheckInPage = page_schema(CheckIn, "CheckInPage")
IDEMPOTENCY_HEADER = {"name": idempotency.HEADER, "in": "header", "required": False, "schema": {"type": "string"},
                      "description": "Send the same key again (a retry) and get the first answer; the check-in "
                                     "is recorded once. Another payload with a used key is 422."}


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
            """The client with its guidance and wajib lapor; a partner gets id and name only, of its own
            participants."""
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


def reporting_blueprint(reports) -> Blueprint:
    blp = Blueprint("reporting", __name__, description="Wajib lapor: a client's duty to report, kept and missed")

    @blp.route("/clients/<uuid:client_id>/reporting")
    class ReportingView(MethodView):
        @requires(READ_CLIENTS)
        @blp.arguments(PageArgs, location="query")
        @blp.response(200, Reporting)
        def get(self, args, client_id):
            """The schedule and its due dates (due, kept or missed, with the check-in that kept each), paged."""
            mark_read("read_reporting")
            return with_etag(reports.view(str(client_id), args.get("cursor"), args["limit"]))

        @requires(WRITE_CLIENTS)
        @blp.arguments(ScheduleSet)
        @blp.response(200, Reporting)
        def put(self, body, client_id):
            """Set or change the schedule: past due dates stay as they were, later open ones are replaced."""
            return with_etag(reports.set_schedule(str(client_id), body, expected_version(), command_context()))

    @blp.route("/clients/<uuid:client_id>/check-ins")
    class CheckIns(MethodView):
        @requires(WRITE_CLIENTS)
        @blp.arguments(CheckInCreate)
        @blp.response(201, CheckIn)
        @blp.doc(parameters=[IDEMPOTENCY_HEADER])
        def post(self, body, client_id):
            """Record a check-in; it keeps the earliest open due date up to the grace days after it."""
            key = idempotency.checked_key(request.headers.get(idempotency.HEADER))
            recorded, replayed = reports.check_in(str(client_id), body, key, command_context())
            body, status, headers = with_etag(recorded, 201)
            return body, status, {**headers, "Idempotent-Replayed": "true" if replayed else "false"}

        @requires(READ_CLIENTS)
        @blp.arguments(PageArgs, location="query")
        @blp.response(200, CheckInPage)
        def get(self, args, client_id):
            mark_read("read_check_ins")
            return reports.check_ins(str(client_id), args.get("cursor"), args["limit"])

    @blp.route("/clients/<uuid:client_id>/attention/clear")
    class AttentionClearView(MethodView):
        @requires(WRITE_CLIENTS)
        @blp.arguments(AttentionClear)
        @blp.response(200, Reporting)
        def post(self, body, client_id):
            """Clear the wajib lapor attention flag with a note (kept in klien and audited, never published)."""
            return with_etag(reports.clear_attention(str(client_id), body["note"], expected_version(),
                                                     command_context()))

    return blp
