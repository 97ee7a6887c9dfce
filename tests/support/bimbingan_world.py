"""bimbingan against a real Redis, with stand-ins for klien's and pokmas's /events feeds.

The owners are real HTTP servers on the shared plumbing (`/events` over an outbox of their
own service name) so catch-up goes through the same FeedReader as in production; their
catalogs carry the event data documented in docs/event-contracts.md.
"""
import threading
import uuid

from marshmallow import Schema, fields
from werkzeug.serving import make_server

from services.bimbingan.handlers import subscriptions
from shared import envelope
from shared.catalog import Catalog, EventType
from shared.config import Settings
from shared.http.app import build_app
from shared.redis_tx import connect, transact
from shared.runtime import build_runtime
from tests.support.client import REGION, SECRET, ServiceApp
from tests.support.ports import free_port
CLIENT_KEYS = ("id", "register_number", "status", "supervision_type", "offence_category", "officer_id",
               "bapas_office", "supervision_start", "supervision_end", "decree_number", "status_effective_date")
AGREEMENT_KEYS = ("id", "group_id", "number", "status", "valid_from", "valid_until", "programs")


def _catalog(service: str, types: list, keys: tuple) -> Catalog:
    schema = Schema.from_dict({key: fields.Raw(allow_none=True) for key in keys})
    return Catalog(service, [EventType(t, schema, t, {}) for t in types])


def new_id() -> str:
    return str(uuid.uuid4())


def client_data(client_id: str, status: str = "active") -> dict:
    return {"id": client_id, "register_number": f"REG-{client_id[:8]}", "status": status, "supervision_type": "PB",
            "offence_category": "theft", "officer_id": "pk-1", "bapas_office": "palembang",
            "supervision_start": "2026-01-01", "supervision_end": "2027-12-31", "decree_number": None,
            "status_effective_date": None}


def agreement_data(agreement_id: str, group_id: str, status: str, programs: list[dict]) -> dict:
    return {"id": agreement_id, "group_id": group_id, "number": f"PKS-{agreement_id[:8]}", "status": status,
            "valid_from": "2026-01-01", "valid_until": "2027-12-31", "programs": programs}


class Owner:
    """klien or pokmas as bimbingan sees them: an /events feed that events can be published to."""

    def __init__(self, redis_url: str, service: str, catalog: Catalog):
        settings = Settings(redis_url=redis_url, broker_url=redis_url, region=REGION, jwt_secret=SECRET)
        self.runtime = build_runtime(service, catalog, settings)
        app = build_app(self.runtime, title=service, description=service, blueprints=[])
        self.port = free_port()
        self.server = make_server("127.0.0.1", self.port, app, threaded=True)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def publish(self, type_: str, subject: str, sequence: int, data: dict) -> dict:
        """Commit an event to the owner's outbox (its feed) without delivering it to bimbingan."""
        def work(pipe):
            pipe.multi()
            return self.runtime.outbox.stage(pipe, type=type_, subject=subject, sequence=sequence, data=data,
                                             correlation_id=new_id())
        return transact(self.runtime.redis, work)

    def stop(self) -> None:
        self.server.shutdown()


class World:
    """bimbingan's app plus its two owners; `deliver` hands an event to bimbingan as its worker would."""

    def __init__(self, redis_url: str):
        self.redis = connect(redis_url)
        consumed = subscriptions.event_types
        self.klien = Owner(redis_url, "klien", _catalog("klien", [t for t in consumed if t.startswith("klien.")],
                                                         CLIENT_KEYS))
        self.pokmas = Owner(redis_url, "pokmas", _catalog("pokmas", [t for t in consumed if t.startswith("pokmas.")],
                                                           AGREEMENT_KEYS))
        self.service = ServiceApp("bimbingan", redis_url, urls={"klien": self.klien.url, "pokmas": self.pokmas.url})
        self.app, self.applier = self.service.app, self.service.applier
        self.sequences: dict[str, int] = {}

    def stop(self) -> None:
        self.klien.stop()
        self.pokmas.stop()

    def http(self, role: str = "officer", group_id: str | None = None, sub: str = "pk-1"):
        return self.service.as_(role, sub, group_id)

    def deliver(self, type_: str, data: dict, *, publish: bool = True) -> dict:
        """The owner publishes the event (its feed has it) and bimbingan's worker applies it."""
        owner = self.klien if type_.startswith("klien.") else self.pokmas
        sequence = self.sequences[data["id"]] = self.sequences.get(data["id"], 0) + 1
        event = (owner.publish(type_, data["id"], sequence, data) if publish else
                 envelope.build_event(region=REGION, service=type_.split(".")[0], type=type_, subject=data["id"],
                                      sequence=sequence, data=data, correlation_id=new_id()))
        self.applier.apply(event)
        return event

    def client(self, status: str = "active", client_id: str | None = None) -> str:
        client_id = client_id or new_id()
        self.deliver("klien.client.registered", client_data(client_id, status))
        return client_id

    def set_client_status(self, client_id: str, status: str) -> dict:
        return self.deliver("klien.client.status_changed", client_data(client_id, status))

    def agreement(self, capacity: int = 10, status: str = "active", programs: int = 1) -> dict:
        agreement_id, group_id = new_id(), new_id()
        listed = [{"id": new_id(), "guidance_type": "kemandirian", "capacity": capacity} for _ in range(programs)]
        data = agreement_data(agreement_id, group_id, status, listed)
        self.deliver(f"pokmas.agreement.{'activated' if status == 'active' else 'created'}", data)
        return {**data, "program_id": listed[0]["id"]}

    def set_agreement_status(self, agreement: dict, status: str, type_: str | None = None) -> dict:
        data = {key: agreement[key] for key in AGREEMENT_KEYS}
        return self.deliver(type_ or f"pokmas.agreement.{status}", {**data, "status": status})

    def outbox(self, type_prefix: str = "bimbingan.") -> list[dict]:
        runtime = self.app.extensions["bapas"]
        items, _ = runtime.outbox.page(None, 1000)
        return [e for e in items if e["type"].startswith(type_prefix)]
