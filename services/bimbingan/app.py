"""bimbingan wiring: the API's blueprints, the worker's handlers."""
from services.bimbingan import api, handlers
from services.bimbingan.events import CATALOG
from services.bimbingan.store import EnrollmentStore
from shared import service
from shared.freshness import Freshness

SERVICE = service.ServiceDefinition(
    name="bimbingan",
    title="BAPAS bimbingan",
    description="Enrollments, sessions, attendance and completion of guidance programs.",
    catalog=CATALOG,
    blueprints=lambda runtime: [api.blueprint(EnrollmentStore(runtime, Freshness(runtime, handlers.HANDLERS)))],
    handlers=lambda runtime: handlers.HANDLERS,
    sources=("klien", "pokmas"),
)


def create_app(settings=None):
    return service.create_app(SERVICE, settings)
