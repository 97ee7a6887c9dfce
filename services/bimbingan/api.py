"""bimbingan HTTP: request -> store -> response (walking skeleton)."""
from flask.views import MethodView
from flask_smorest import Blueprint

from services.bimbingan.schemas import Enrollment, EnrollmentCreate
from shared.authz import READ, WRITE_GUIDANCE, requires
from shared.http.context import command_context
from shared.http.versioning import with_etag


def blueprint(store) -> Blueprint:
    blp = Blueprint("enrollments", __name__, description="Enrollments of clients in programs")

    @blp.route("/enrollments")
    class Enrollments(MethodView):
        @requires(WRITE_GUIDANCE)
        @blp.arguments(EnrollmentCreate)
        @blp.response(201, Enrollment)
        def post(self, body):
            return with_etag(store.enroll(body, command_context()), 201)

    @blp.route("/enrollments/<uuid:enrollment_id>")
    class EnrollmentById(MethodView):
        @requires(READ)
        @blp.response(200, Enrollment)
        def get(self, enrollment_id):
            return with_etag(store.get(str(enrollment_id)))

    return blp
