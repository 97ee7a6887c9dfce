"""The events pokmas publishes: its catalog."""
from services.pokmas.schemas import GroupEventData
from shared.catalog import Catalog, EventType

CATALOG = Catalog("pokmas", [
    EventType("pokmas.group.registered", GroupEventData, "A POKMAS LIPAS group was registered.",
              {"id": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", "legal_form": "yayasan", "bapas_office": "palembang"}),
])
