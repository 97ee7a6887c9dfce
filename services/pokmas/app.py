"""pokmas wiring: the API's blueprints, the worker's handlers."""
from services.pokmas import api
from services.pokmas.events import CATALOG
from services.pokmas.store import GroupStore
from shared import service

SERVICE = service.ServiceDefinition(
    name="pokmas",
    title="BAPAS pokmas",
    description="POKMAS LIPAS groups, cooperation agreements (PKS), their programs and utilization.",
    catalog=CATALOG,
    blueprints=lambda runtime: [api.blueprint(GroupStore(runtime))],
)


def create_app(settings=None):
    return service.create_app(SERVICE, settings)
