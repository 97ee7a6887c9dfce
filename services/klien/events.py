"""The events klien publishes: its catalog (schemas in schemas.py). Data: ids, codes, dates, statuses."""
from services.klien.schemas import ClientEventData
from shared.catalog import Catalog, EventType

_REGISTERED = {"id": "3f0c1a52-8a9e-4c39-9f57-2a8e5d1c0b7e", "register_number": "PAS-2026-0001", "status": "active",
               "supervision_type": "PB", "officer_id": "pk-0007",
               "bapas_office": "palembang", "supervision_start": "2026-01-02", "supervision_end": "2027-01-01",
               "status_effective_date": None}
# 2: offence_category and decree_number left the data (criminal-record data travels in no event).
DATAVERSION = 2

CATALOG = Catalog("klien", [
    EventType("klien.client.registered", ClientEventData, "A client was registered for supervision.", _REGISTERED,
              DATAVERSION),
    EventType("klien.client.updated", ClientEventData,
              "A client's record was corrected (the data carries the state after it).",
              {**_REGISTERED, "officer_id": "pk-0011"}, DATAVERSION),
    EventType("klien.client.status_changed", ClientEventData,
              "A client's supervision ended: completed, revoked or transferred, from status_effective_date.",
              {**_REGISTERED, "status": "completed", "status_effective_date": "2027-01-01"}, DATAVERSION),
])
