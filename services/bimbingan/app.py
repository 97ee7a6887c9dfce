"""bimbingan wiring: the API's blueprints, the worker's handlers."""
from services.bimbingan import api, handlers
from services.bimbingan.events import CATALOG
from services.bimbingan.session_store import SessionStore
from services.bimbingan.store import EnrollmentStore
from shared import service
from shared.freshness import Freshness


def _blueprints(runtime) -> list:
    enrollments = EnrollmentStore(runtime, Freshness(runtime, handlers.build(runtime)))
    return api.blueprints(enrollments, SessionStore(runtime, enrollments))


SERVICE = service.ServiceDefinition(
    name="bimbingan",
    title="BAPAS bimbingan",
    description="Enrollments, sessions, attendance and completion of guidance programs.",
    catalog=CATALOG,
    blueprints=_blueprints,
    handlers=handlers.build,
    sources=("klien", "pokmas"),
)


def create_app(settings=None):
    return service.create_app(SERVICE, settings)
