"""klien wiring: the API's blueprints, the worker's handlers and its wajib lapor task."""
import os

from services.klien import api, handlers, reporting, reporting_api
from services.klien.events import CATALOG
from services.klien.export import Gatherer
from services.klien.reporting_store import ReportingStore
from services.klien.search import ClientSearch
from services.klien.store import ClientStore
from shared import service
from shared.scheduler import ScheduledTask

DEFAULT_MISSED_INTERVAL_SECONDS = 60


def grace_days() -> int:
    """KLIEN_REPORTING_GRACE_DAYS: days after a due date in which a check-in still keeps it."""
    raw = os.environ.get("KLIEN_REPORTING_GRACE_DAYS") or str(reporting.DEFAULT_GRACE_DAYS)
    if not (raw.isascii() and raw.isdigit() and int(raw) <= reporting.MAX_GRACE_DAYS):
        raise SystemExit(f"KLIEN_REPORTING_GRACE_DAYS must be a whole number of days from 0 to "
                         f"{reporting.MAX_GRACE_DAYS}, got {raw!r}")
    return int(raw)


def missed_interval() -> int:
    raw = os.environ.get("KLIEN_REPORTING_INTERVAL_SECONDS")
    return int(raw) if raw else DEFAULT_MISSED_INTERVAL_SECONDS


def _blueprints(runtime) -> list:
    reports = ReportingStore(runtime, grace_days())
    return [api.blueprint(ClientStore(runtime), ClientSearch(runtime), Gatherer(runtime.settings), reports),
            reporting_api.blueprint(reports)]


def _tasks(runtime) -> list:
    return [ScheduledTask("mark_missed_reports", missed_interval(),
                          ReportingStore(runtime, grace_days()).mark_missed_due)]


SERVICE = service.ServiceDefinition(
    name="klien",
    title="BAPAS klien",
    description="Client records (klien), each client's guidance view and wajib lapor (the duty to report).",
    catalog=CATALOG,
    blueprints=_blueprints,
    handlers=lambda runtime: handlers.HANDLERS,
    tasks=_tasks,
    sources=("bimbingan",),
)


def create_app(settings=None):
    return service.create_app(SERVICE, settings)
