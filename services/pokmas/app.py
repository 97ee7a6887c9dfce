"""pokmas wiring: the API's blueprints, the worker's handlers and its expiry task."""
import os

from services.pokmas import api, handlers
from services.pokmas.agreements import AgreementStore
from services.pokmas.catalogue import Catalogue
from services.pokmas.events import CATALOG
from services.pokmas.store import GroupStore
from shared import service
from shared.scheduler import ScheduledTask

DEFAULT_EXPIRY_INTERVAL_SECONDS = 60


def expiry_interval() -> int:
    raw = os.environ.get("POKMAS_EXPIRY_INTERVAL_SECONDS")
    return int(raw) if raw else DEFAULT_EXPIRY_INTERVAL_SECONDS


def _blueprints(runtime) -> list:
    return api.blueprints(GroupStore(runtime), AgreementStore(runtime), Catalogue(runtime))


def _tasks(runtime) -> list:
    return [ScheduledTask("expire_agreements", expiry_interval(), AgreementStore(runtime).expire_due)]


SERVICE = service.ServiceDefinition(
    name="pokmas",
    title="BAPAS pokmas",
    description="POKMAS LIPAS groups, cooperation agreements (PKS), their programs and utilization.",
    catalog=CATALOG,
    blueprints=_blueprints,
    handlers=lambda runtime: handlers.HANDLERS,
    tasks=_tasks,
    sources=("bimbingan",),
)


def create_app(settings=None):
    return service.create_app(SERVICE, settings)
