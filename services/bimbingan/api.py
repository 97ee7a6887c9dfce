"""bimbingan HTTP: request -> use case -> response. Partner scoping is done by the use cases."""
from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint

from services.bimbingan import schemas
from shared import idempotency
from shared.authz import READ, RECORD_ATTENDANCE, WRITE_GUIDANCE, requires
from shared.http.context import command_context
from shared.http.versioning import expected_version, with_etag
from shared.pagination import QUERY, page_schema

EnrollmentPage = page_schema(schemas.Enrollment, "EnrollmentPage")
SessionPage = page_schema(schemas.Session, "SessionPage")


def blueprints(enrollments, sessions) -> list[Blueprint]:
    """`enrollments` and `sessions` are the use cases (services/bimbingan/usecases.py)."""
    return [_enrollments(enrollments), _sessions(sessions)]


def _enrollments(enrollments) -> Blueprint:
    blp = Blueprint("enrollments", __name__, description="Enrollments of clients in programs")

    @blp.route("/enrollments")
    class Enrollments(MethodView):
        @requires(READ)
        @blp.arguments(schemas.EnrollmentFilter, **QUERY)
        @blp.response(200, EnrollmentPage)
        def get(self, args):
            """Enrollments, oldest first; filters client_id, program_id, status. A partner sees its group's."""
            return enrollments.page(args, command_context())

        @requires(WRITE_GUIDANCE)
        @blp.arguments(schemas.EnrollmentCreate)
        @blp.response(201, schemas.Enrollment)
        def post(self, body):
            """Enroll an active client in a program of an active agreement that has a free place."""
            return with_etag(enrollments.enroll(body, command_context(201)), 201)

    @blp.route("/enrollments/<uuid:enrollment_id>")
    class EnrollmentById(MethodView):
        @requires(READ)
        @blp.response(200, schemas.Enrollment)
        def get(self, enrollment_id):
            """An enrollment with its attendance, session by session."""
            return with_etag(enrollments.get(str(enrollment_id), command_context()))

    @blp.route("/enrollments/<uuid:enrollment_id>/complete")
    class Complete(MethodView):
        @requires(WRITE_GUIDANCE)
        @blp.arguments(schemas.Completion)
        @blp.response(200, schemas.Enrollment)
        def post(self, body, enrollment_id):
            """Complete an open enrollment with its outcome (If-Match supported)."""
            return with_etag(enrollments.complete(str(enrollment_id), body, expected_version(), command_context()))

    @blp.route("/enrollments/<uuid:enrollment_id>/withdraw")
    class Withdraw(MethodView):
        @requires(WRITE_GUIDANCE)
        @blp.arguments(schemas.Withdrawal)
        @blp.response(200, schemas.Enrollment)
        def post(self, body, enrollment_id):
            """Withdraw an open enrollment with a reason code (If-Match supported)."""
            return with_etag(enrollments.withdraw(str(enrollment_id), body, expected_version(), command_context()))

    return blp


def _sessions(sessions) -> Blueprint:
    blp = Blueprint("sessions", __name__, description="Guidance sessions of a program and their attendance")

    @blp.route("/sessions")
    class Sessions(MethodView):
        @requires(READ)
        @blp.arguments(schemas.SessionFilter, **QUERY)
        @blp.response(200, SessionPage)
        def get(self, args):
            """Sessions in order of their start; filter program_id. A partner sees its group's."""
            return sessions.page(args, command_context())

        @requires(WRITE_GUIDANCE)
        @blp.arguments(schemas.SessionCreate)
        @blp.response(201, schemas.Session)
        def post(self, body):
            """Schedule a session of a program whose agreement is active."""
            return with_etag(sessions.schedule(body, command_context(201)), 201)

    @blp.route("/sessions/<uuid:session_id>")
    class SessionById(MethodView):
        @requires(READ)
        @blp.response(200, schemas.Session)
        def get(self, session_id):
            """A session with the attendance recorded in it."""
            return with_etag(sessions.get(str(session_id), command_context()))

    @blp.route("/sessions/<uuid:session_id>/reschedule")
    class Reschedule(MethodView):
        @requires(WRITE_GUIDANCE)
        @blp.arguments(schemas.Reschedule)
        @blp.response(200, schemas.Session)
        def post(self, body, session_id):
            """Move a scheduled session, with the reason (If-Match supported)."""
            return with_etag(sessions.reschedule(str(session_id), body, expected_version(), command_context()))

    @blp.route("/sessions/<uuid:session_id>/cancel")
    class Cancel(MethodView):
        @requires(WRITE_GUIDANCE)
        @blp.arguments(schemas.Cancellation)
        @blp.response(200, schemas.Session)
        def post(self, body, session_id):
            """Cancel a scheduled session, with the reason (If-Match supported)."""
            return with_etag(sessions.cancel(str(session_id), body, expected_version(), command_context()))

    @blp.route("/sessions/<uuid:session_id>/attendance")
    class Attendance(MethodView):
        @requires(RECORD_ATTENDANCE)
        @blp.arguments(schemas.AttendanceBatch)
        @blp.response(200, schemas.AttendanceResult)
        @blp.doc(parameters=[{"in": "header", "name": idempotency.HEADER, "required": False,
                              "schema": {"type": "string", "pattern": idempotency.TOKEN.pattern},
                              "description": "A batch sent again with the same key is applied once and answered "
                                             "as the first time (keys kept 24 hours); another batch with a used "
                                             "key is 422"}])
        def post(self, body, session_id):
            """Record attendance; a new mark for the same enrollment replaces the earlier one."""
            key = idempotency.checked_key(request.headers.get(idempotency.HEADER), idempotency.TOKEN)
            return sessions.record_attendance(str(session_id), body["records"], command_context(), key)

    return blp
