"""klien wiring: the use cases on a unit of work, the API's blueprints, the worker's handlers."""
import hashlib
import hmac
import os

from services.klien.events import CATALOG
from services.klien.export import Gatherer
from services.klien.handlers import subscriptions
from services.klien.repository import ClientRepository
from services.klien.usecases import Clients
from shared import service
from shared.unit_of_work import UnitOfWork


def nik_key(settings) -> bytes:
    """The key of the NIK index: KLIEN_NIK_INDEX_KEY, else one derived from the JWT secret (set
    KLIEN_NIK_INDEX_KEY before rotating that secret, or the index must be rebuilt)."""
    own = os.environ.get("KLIEN_NIK_INDEX_KEY")
    if own:
        return own.encode()
    return hmac.new((settings.jwt_secret or "").encode(), b"klien nik index", hashlib.sha256).digest()


def use_cases(runtime, gatherer=None) -> Clients:
    key = nik_key(runtime.settings)
    return Clients(UnitOfWork(runtime, clients=lambda tx: ClientRepository(tx, key)), gatherer)


def _blueprints(runtime) -> list:
    from services.klien import api            # the HTTP layer: the worker never loads Flask
    return [api.blueprint(use_cases(runtime, Gatherer(runtime.settings)))]


def _handlers(runtime) -> dict:
    cases = use_cases(runtime)
    return subscriptions.bind(cases, cases.uow)


SERVICE = service.ServiceDefinition(
    name="klien",
    title="BAPAS klien",
    description="Client records (klien) and each client's guidance view.",
    catalog=CATALOG,
    blueprints=_blueprints,
    handlers=_handlers,
    sources=("bimbingan", "pokmas"),
)


def create_app(settings=None):
    return service.create_app(SERVICE, settings)
