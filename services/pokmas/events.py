"""The events pokmas publishes: its catalog. Agreement events carry the agreement's state."""
from services.pokmas.schemas import AgreementEventData, GroupEventData
from shared.catalog import Catalog, EventType

_GROUP = {"id": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", "name": "Yayasan Bina Insani", "legal_form": "yayasan",
          "bapas_office": "palembang", "status": "active"}
_AGREEMENT = {"id": "7e6d5c4b-3a29-4181-9f0e-d1c2b3a49586", "group_id": _GROUP["id"], "number": "PKS-12/2026",
              "status": "active", "valid_from": "2026-01-01", "valid_until": "2027-12-31",
              "programs": [{"id": "9a8b7c6d-5e4f-4a3b-9c2d-1e0f2a3b4c5d", "name": "Budidaya bidara arab",
                            "guidance_type": "kemandirian", "capacity": 20}]}


def _agreement(status: str) -> dict:
    return {**_AGREEMENT, "status": status}


CATALOG = Catalog("pokmas", [
    EventType("pokmas.group.registered", GroupEventData, "A POKMAS LIPAS group was registered.", _GROUP),
    EventType("pokmas.group.updated", GroupEventData, "A group's record was corrected.", _GROUP),
    EventType("pokmas.agreement.created", AgreementEventData, "A PKS was recorded as a draft with its programs.",
              _agreement("draft")),
    EventType("pokmas.agreement.programs_changed", AgreementEventData,
              "A program was added to a draft, or changed; on an active agreement only capacity grows.",
              _agreement("active")),
    EventType("pokmas.agreement.activated", AgreementEventData,
              "A PKS became active (from draft, or back from suspended).", _agreement("active")),
    EventType("pokmas.agreement.suspended", AgreementEventData, "An active PKS was suspended.",
              _agreement("suspended")),
    EventType("pokmas.agreement.terminated", AgreementEventData, "A PKS was terminated before its end.",
              _agreement("terminated")),
    EventType("pokmas.agreement.expired", AgreementEventData, "An active PKS passed its valid_until date.",
              {**_agreement("expired"), "valid_until": "2026-11-27"}),
])
