"""laporan wiring: the API's blueprint, the worker's handlers and its tasks (names and suspect marks
read from their owners)."""
from services.laporan import handlers, sources
from services.laporan.events import CATALOG
from services.laporan.repository import Figures
from shared import clock, service
from shared.errors import Unavailable
from shared.scheduler import ScheduledTask
from shared.worker import FEED_CATCH_UP_SECONDS


def _skipped_while_unreachable(run):
    def task():
        try:
            return run()
        except Unavailable as exc:  # the owner is down: what is wanted stays wanted; try next period
            return f"skipped: {exc}"
    return task


def _blueprints(runtime) -> list:
    from services.laporan import api            # the HTTP layer: the worker never loads Flask
    return [api.blueprint(Figures(runtime.redis), clock.zone())]


def _tasks(runtime) -> list:
    owners = sources.Owners(runtime.settings)
    return [ScheduledTask("group-names", FEED_CATCH_UP_SECONDS,
                          _skipped_while_unreachable(lambda: sources.read_group_names(runtime.redis, owners))),
            ScheduledTask("suspect-marks", FEED_CATCH_UP_SECONDS, _skipped_while_unreachable(
                lambda: sources.repair_suspect_marks(runtime.redis, owners, clock.zone())))]


SERVICE = service.ServiceDefinition(
    name="laporan",
    title="BAPAS laporan",
    description="Monthly reports per BAPAS office and per POKMAS LIPAS group, kept from the other services' events.",
    catalog=CATALOG,
    blueprints=_blueprints,
    handlers=lambda runtime: handlers.build(clock.zone()),
    tasks=_tasks,
    sources=("klien", "pokmas", "bimbingan"),
)


def create_app(settings=None):
    return service.create_app(SERVICE, settings)
