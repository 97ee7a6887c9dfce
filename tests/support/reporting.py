"""Wajib lapor helpers for integration tests: a client with a schedule, days relative to the clock,
the worker's task as its own process would run it, and the events klien staged."""
import json
from datetime import timedelta

from services.klien.app import wajib_lapor
from services.klien.events import CATALOG
from services.klien.usecases import Reporting
from shared import clock
from shared.config import Settings
from shared.keys import BackboneKeys
from shared.runtime import build_runtime
from tests.support.client import REGION, SECRET
from tests.support.klien_data import client_body



def day(offset: int) -> str:
    """Today (the settable clock, in BAPAS_TIMEZONE) plus `offset` days."""
    return (clock.today() + timedelta(days=offset)).isoformat()


def scheduled_client(officer, frequency: str = "weekly", first_due_in: int = 1) -> dict:
    """A registered client whose schedule starts `first_due_in` days from today."""
    client = officer.created("/clients", client_body(supervision_start="2026-01-02", supervision_end="2030-12-31"))
    response = officer.open("PUT", f"/clients/{client['id']}/reporting",
                            json={"frequency": frequency, "first_due": day(first_due_in)})
    assert response.status_code == 200, response.get_data(as_text=True)
    return client


def worker(redis_url: str) -> Reporting:
    """The worker's wajib lapor use cases with connections of their own, as a separate worker process has."""
    settings = Settings(redis_url=redis_url, broker_url=redis_url, region=REGION, jwt_secret=SECRET)
    return wajib_lapor(build_runtime("klien", CATALOG, settings))


def staged(redis, *types: str) -> list[dict]:
    """klien's events in its outbox, oldest first, of the given types."""
    entries = redis.xrange(BackboneKeys("klien").outbox)
    return [json.loads(fields["event"]) for _, fields in entries if not types or fields["type"] in types]
