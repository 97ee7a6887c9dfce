"""klien wiring: the use cases on a unit of work, the API's blueprints, the worker's handlers and its
wajib lapor task."""
import hashlib
import hmac
import os

from services.klien import reporting
from services.klien.events import CATALOG
from services.klien.export import Gatherer
from services.klien.handlers import subscriptions
from services.klien.repository.clients import ClientRepository
from services.klien.repository.reporting import ReportingRepository
from services.klien.usecases import Clients, Reporting
from shared import idempotency, service
from shared.scheduler import ScheduledTask
from shared.unit_of_work import UnitOfWork

DEFAULT_MISSED_INTERVAL_SECONDS = 60


def grace_days() -> int:
    """KLIEN_REPORTING_GRACE_DAYS: days after a due date in which a check-in still keeps it."""
    raw = os.environ.get("KLIEN_REPORTING_GRACE_DAYS") or str(reporting.DEFAULT_GRACE_DAYS)
    if not (raw.isascii() and raw.isdigit() and int(raw) <= reporting.MAX_GRACE_DAYS):
        raise SystemExit(f"KLIEN_REPORTING_GRACE_DAYS must be a whole number of days from 0 to "
                         f"{reporting.MAX_GRACE_DAYS}, got {raw!r}")
    return int(raw)


def missed_interval() -> int:
    """KLIEN_REPORTING_INTERVAL_SECONDS: how often the worker marks due dates past their grace."""
    raw = os.environ.get("KLIEN_REPORTING_INTERVAL_SECONDS")
    return int(raw) if raw else DEFAULT_MISSED_INTERVAL_SECONDS


def unit_of_work(runtime) -> UnitOfWork:
    key = nik_key(runtime.settings)
    return UnitOfWork(runtime, clients=lambda tx: ClientRepository(tx, key), reporting=ReportingRepository,
                      idempotency=idempotency.repository("klien"))


def nik_key(settings) -> bytes:
    """The key of the NIK index: KLIEN_NIK_INDEX_KEY, else one derived from the JWT secret (set
    KLIEN_NIK_INDEX_KEY before rotating that secret, or the index must be rebuilt)."""
    own = os.environ.get("KLIEN_NIK_INDEX_KEY")
    if own:
        return own.encode()
    return hmac.new((settings.jwt_secret or "").encode(), b"klien nik index", hashlib.sha256).digest()


def use_cases(runtime, gatherer=None) -> Clients:
    return Clients(unit_of_work(runtime), gatherer)


def wajib_lapor(runtime) -> Reporting:
    return Reporting(unit_of_work(runtime), grace_days())


def _blueprints(runtime) -> list:
    from services.klien import api            # the HTTP layer: the worker never loads Flask
    return [api.blueprint(use_cases(runtime, Gatherer(runtime.settings))),
            api.reporting_blueprint(wajib_lapor(runtime))]


def _handlers(runtime) -> dict:
    cases = use_cases(runtime)
    return subscriptions.bind(cases, cases.uow)


def _tasks(runtime) -> list:
    return [ScheduledTask("mark_missed_reports", missed_interval(), wajib_lapor(runtime).mark_missed_due)]


SERVICE = service.ServiceDefinition(
    name="klien",
    title="BAPAS klien",
    description="Client records (klien), each client's guidance view and wajib lapor (the duty to report).",
    catalog=CATALOG,
    blueprints=_blueprints,
    handlers=_handlers,
    tasks=_tasks,
    sources=("bimbingan", "pokmas"),
)


def create_app(settings=None):
    return service.create_app(SERVICE, settings)
