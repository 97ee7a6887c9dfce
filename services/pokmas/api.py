"""pokmas HTTP: request -> use case -> response. Partner scoping is done by the use cases."""
from flask.views import MethodView
from flask_smorest import Blueprint

from services.pokmas import schemas
from shared.authz import READ, WRITE_PARTNERS, requires
from shared.http.context import command_context
from shared.http.versioning import expected_version, with_etag
from shared.pagination import page_schema

GroupPage = page_schema(schemas.Group, "GroupPage")
AgreementPage = page_schema(schemas.Agreement, "AgreementPage")
ProgramPage = page_schema(schemas.CatalogueProgram, "ProgramPage")


def blueprints(groups, agreements, catalogue) -> list[Blueprint]:
    """`groups`, `agreements` and `catalogue` are the use cases (services/pokmas/usecases.py)."""
    return [_groups(groups), _agreements(agreements), _transitions(agreements), _programs(agreements),
            _catalogue(catalogue)]


def _groups(groups) -> Blueprint:
    blp = Blueprint("groups", __name__, description="POKMAS LIPAS groups")

    @blp.route("/groups")
    class Groups(MethodView):
        @requires(READ)
        @blp.arguments(schemas.GroupFilter, location="query")
        @blp.response(200, GroupPage)
        def get(self, args):
            """Groups by name; filters bapas_office, legal_form. A partner sees only its own group."""
            return groups.page(args, command_context())

        @requires(WRITE_PARTNERS)
        @blp.arguments(schemas.GroupCreate)
        @blp.response(201, schemas.Group)
        def post(self, body):
            """Register a group; its name is unique within the region (case-insensitive)."""
            return with_etag(groups.register(body, command_context()), 201)

    @blp.route("/groups/<uuid:group_id>")
    class GroupById(MethodView):
        @requires(READ)
        @blp.response(200, schemas.Group)
        def get(self, group_id):
            """A group; a partner may read only its own (403 otherwise)."""
            return with_etag(groups.get(str(group_id), command_context()))

        @requires(WRITE_PARTNERS)
        @blp.arguments(schemas.GroupChange)
        @blp.response(200, schemas.Group)
        def patch(self, body, group_id):
            """Correct a group's fields (If-Match supported)."""
            return with_etag(groups.update(str(group_id), body, expected_version(), command_context()))

    return blp


def _agreements(agreements) -> Blueprint:
    blp = Blueprint("agreements", __name__, description="Cooperation agreements (PKS) and their programs")

    @blp.route("/agreements")
    class Agreements(MethodView):
        @requires(READ)
        @blp.arguments(schemas.AgreementFilter, location="query")
        @blp.response(200, AgreementPage)
        def get(self, args):
            """Agreements, oldest first; filters group_id, status. A partner sees its own group's."""
            return agreements.page(args, command_context())

        @requires(WRITE_PARTNERS)
        @blp.arguments(schemas.AgreementCreate)
        @blp.response(201, schemas.Agreement)
        def post(self, body):
            """Record a PKS as a draft with its programs; its number is unique."""
            return with_etag(agreements.create(body, command_context()), 201)

    @blp.route("/agreements/<uuid:agreement_id>")
    class AgreementById(MethodView):
        @requires(READ)
        @blp.response(200, schemas.Agreement)
        def get(self, agreement_id):
            """An agreement; each program with its utilization from bimbingan's enrollments."""
            return with_etag(agreements.get(str(agreement_id), command_context()))

    return blp


def _transitions(agreements) -> Blueprint:
    blp = Blueprint("agreement-status", __name__, url_prefix="/agreements",
                    description="An agreement's life cycle: draft -> active <-> suspended -> terminated; "
                                "active -> expired by itself once valid_until has passed")

    @blp.route("/<uuid:agreement_id>/activate")
    class Activate(MethodView):
        @requires(WRITE_PARTNERS)
        @blp.response(200, schemas.Agreement)
        def post(self, agreement_id):
            """Activate a draft, or a suspended agreement again; only within its validity period."""
            return with_etag(agreements.activate(str(agreement_id), expected_version(), command_context()))

    @blp.route("/<uuid:agreement_id>/resume")
    class Resume(MethodView):
        @requires(WRITE_PARTNERS)
        @blp.response(200, schemas.Agreement)
        def post(self, agreement_id):
            """Bring a suspended agreement back to active (the same as /activate, but only from suspended)."""
            return with_etag(agreements.resume(str(agreement_id), expected_version(), command_context()))

    @blp.route("/<uuid:agreement_id>/suspend")
    class Suspend(MethodView):
        @requires(WRITE_PARTNERS)
        @blp.arguments(schemas.Suspension)
        @blp.response(200, schemas.Agreement)
        def post(self, body, agreement_id):
            """Suspend an active agreement; bimbingan withdraws the open enrollments in its programs."""
            return with_etag(agreements.suspend(str(agreement_id), body, expected_version(), command_context()))

    @blp.route("/<uuid:agreement_id>/terminate")
    class Terminate(MethodView):
        @requires(WRITE_PARTNERS)
        @blp.arguments(schemas.Termination)
        @blp.response(200, schemas.Agreement)
        def post(self, body, agreement_id):
            """Terminate an active or suspended agreement, with the reason."""
            return with_etag(agreements.terminate(str(agreement_id), body, expected_version(), command_context()))

    return blp


def _programs(agreements) -> Blueprint:
    blp = Blueprint("agreement-programs", __name__, url_prefix="/agreements",
                    description="Programs of an agreement: free to change in a draft; only capacity grows once active")

    @blp.route("/<uuid:agreement_id>/programs")
    class Programs(MethodView):
        @requires(WRITE_PARTNERS)
        @blp.arguments(schemas.ProgramCreate)
        @blp.response(201, schemas.Agreement)
        def post(self, body, agreement_id):
            """Add a program to a draft agreement; answers the agreement (If-Match supported)."""
            return with_etag(agreements.add_program(str(agreement_id), body, expected_version(), command_context()),
                             201)

    @blp.route("/<uuid:agreement_id>/programs/<uuid:program_id>")
    class ProgramById(MethodView):
        @requires(WRITE_PARTNERS)
        @blp.arguments(schemas.ProgramChange)
        @blp.response(200, schemas.Agreement)
        def patch(self, body, agreement_id, program_id):
            """Change a program; answers the agreement (If-Match supported)."""
            return with_etag(agreements.change_program(str(agreement_id), str(program_id), body, expected_version(),
                                                  command_context()))

    return blp


def _catalogue(catalogue) -> Blueprint:
    blp = Blueprint("programs", __name__, description="The program catalogue and compliance summaries")

    @blp.route("/programs")
    class Programs(MethodView):
        @requires(READ)
        @blp.arguments(schemas.ProgramFilter, location="query")
        @blp.response(200, ProgramPage)
        def get(self, args):
            """Programs; filters guidance_type, open (agreement active and a place left), group_id."""
            return catalogue.page(args, command_context())

    @blp.route("/programs/<uuid:program_id>")
    class ProgramById(MethodView):
        @requires(READ)
        @blp.response(200, schemas.CatalogueProgram)
        def get(self, program_id):
            """One program with its agreement's status and its utilization."""
            return catalogue.get(str(program_id), command_context())

    @blp.route("/compliance")
    class Compliance(MethodView):
        @requires(READ)
        @blp.arguments(schemas.ComplianceArgs, location="query")
        @blp.response(200, schemas.Compliance)
        def get(self, args):
            """A BAPAS office's groups, agreements by status, those expiring within 60 days, clients served."""
            return catalogue.compliance(args["bapas_office"], command_context())

    return blp
