"""The events bimbingan publishes: its catalog."""
from services.bimbingan.schemas import EnrollmentEventData
from shared.catalog import Catalog, EventType

_EXAMPLE = {"id": "5b7c1d2e-3f40-4a51-8b62-7c83d94ea5f6", "client_id": "3f0c1a52-8a9e-4c39-9f57-2a8e5d1c0b7e",
            "program_id": "9a8b7c6d-5e4f-4a3b-9c2d-1e0f2a3b4c5d", "group_id": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
            "status": "enrolled", "sessions_attended": 0, "sessions_missed": 0}

CATALOG = Catalog("bimbingan", [
    EventType("bimbingan.enrollment.created", EnrollmentEventData, "A client was enrolled in a program.", _EXAMPLE),
])
