"""klien wiring: the API's blueprints, the worker's handlers."""
from services.klien import api, handlers
from services.klien.events import CATALOG
from services.klien.export import Gatherer
from services.klien.search import ClientSearch
from services.klien.store import ClientStore
from shared import service

SERVICE = service.ServiceDefinition(
    name="klien",
    title="BAPAS klien",
    description="Client records (klien) and each client's guidance view.",
    catalog=CATALOG,
    blueprints=lambda runtime: [api.blueprint(ClientStore(runtime), ClientSearch(runtime),
                                                 Gatherer(runtime.settings))],
    handlers=lambda runtime: handlers.HANDLERS,
    sources=("bimbingan",),
)


def create_app(settings=None):
    return service.create_app(SERVICE, settings)
