"""bimbingan wiring: the use cases on a unit of work, the API's blueprints, the worker's handlers."""
from services.bimbingan.events import CATALOG
from services.bimbingan.handlers import subscriptions
from services.bimbingan.repository.enrollments import EnrollmentRepository
from services.bimbingan.repository.replicas import ReplicaRepository
from services.bimbingan.repository.sessions import SessionRepository
from services.bimbingan.usecases import Enrollments, FreshReplicas, Reactions, Sessions
from shared import idempotency, service
from shared.freshness import Freshness
from shared.unit_of_work import UnitOfWork


def unit_of_work(runtime) -> UnitOfWork:
    return UnitOfWork(runtime, enrollments=EnrollmentRepository, sessions=SessionRepository,
                      replicas=ReplicaRepository, idempotency=idempotency.repository("bimbingan", separator="|"))


def _handlers(runtime) -> dict:
    return subscriptions.bind(Reactions(), unit_of_work(runtime))


def _blueprints(runtime) -> list:
    from services.bimbingan import api         # the HTTP layer: the worker never loads Flask
    uow = unit_of_work(runtime)
    fresh = FreshReplicas(uow, Freshness(runtime, _handlers(runtime)))
    return api.blueprints(Enrollments(uow, fresh), Sessions(uow, fresh))


SERVICE = service.ServiceDefinition(
    name="bimbingan",
    title="BAPAS bimbingan",
    description="Enrollments, sessions, attendance and completion of guidance programs.",
    catalog=CATALOG,
    blueprints=_blueprints,
    handlers=_handlers,
    sources=("klien", "pokmas"),
)


def create_app(settings=None):
    return service.create_app(SERVICE, settings)
