"""pokmas wiring: the use cases on a unit of work, the API's blueprints, the worker's handlers and its
expiry task."""
import os

from services.pokmas.events import CATALOG
from services.pokmas.handlers import subscriptions
from services.pokmas.repository.agreements import AgreementRepository
from services.pokmas.repository.groups import GroupRepository
from services.pokmas.repository.utilization import UtilizationRepository
from services.pokmas.usecases import Agreements, Catalogue, Groups, Utilization
from shared import service
from shared.scheduler import ScheduledTask
from shared.unit_of_work import UnitOfWork

DEFAULT_EXPIRY_INTERVAL_SECONDS = 60


def expiry_interval() -> int:
    raw = os.environ.get("POKMAS_EXPIRY_INTERVAL_SECONDS")
    return int(raw) if raw else DEFAULT_EXPIRY_INTERVAL_SECONDS


def unit_of_work(runtime) -> UnitOfWork:
    return UnitOfWork(runtime, groups=GroupRepository, agreements=AgreementRepository,
                      utilization=UtilizationRepository)


def _blueprints(runtime) -> list:
    from services.pokmas import api            # the HTTP layer: the worker never loads Flask
    uow = unit_of_work(runtime)
    return api.blueprints(Groups(uow), Agreements(uow), Catalogue(uow))


def _handlers(runtime) -> dict:
    return subscriptions.bind(Utilization(), unit_of_work(runtime))


def _tasks(runtime) -> list:
    return [ScheduledTask("expire_agreements", expiry_interval(), Agreements(unit_of_work(runtime)).expire_due)]


SERVICE = service.ServiceDefinition(
    name="pokmas",
    title="BAPAS pokmas",
    description="POKMAS LIPAS groups, cooperation agreements (PKS), their programs and utilization.",
    catalog=CATALOG,
    blueprints=_blueprints,
    handlers=_handlers,
    tasks=_tasks,
    sources=("bimbingan",),
)


def create_app(settings=None):
    return service.create_app(SERVICE, settings)
