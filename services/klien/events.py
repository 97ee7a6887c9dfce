"""The events klien publishes: its catalog (schemas in schemas.py)."""
from services.klien.schemas import ClientEventData
from shared.catalog import Catalog, EventType

_EXAMPLE = {"id": "3f0c1a52-8a9e-4c39-9f57-2a8e5d1c0b7e", "register_number": "PAS-2026-0001", "status": "active",
            "supervision_type": "PB", "officer_id": "pk-0007"}

CATALOG = Catalog("klien", [
    EventType("klien.client.registered", ClientEventData, "A client was registered for supervision.", _EXAMPLE),
])
