"""Helpers for pokmas's tests: request bodies with unique names, bimbingan's enrollment events."""
import uuid
from datetime import date, timedelta

from shared import clock
from shared.envelope import build_event
from tests.support.client import REGION


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def day(offset: int = 0) -> str:
    return (clock.today() + timedelta(days=offset)).isoformat()


def group_body(**overrides) -> dict:
    return {"name": unique("Yayasan Harapan"), "legal_form": "yayasan", "address": "Jl. Sudirman 10",
            "contact": "0711-123456", "bapas_office": "palembang", **overrides}


def program_body(**overrides) -> dict:
    return {"name": unique("Menjahit"), "guidance_type": "kemandirian", "capacity": 2, **overrides}


def agreement_body(group_id: str, **overrides) -> dict:
    """Signed before it becomes valid (or on that day), whatever validity the test gives it."""
    valid_from = overrides.get("valid_from", day(-10))
    return {"group_id": group_id, "number": unique("PKS"), "signed_on": min(day(-20), valid_from),
            "valid_from": valid_from, "valid_until": day(365), "programs": [program_body()], **overrides}


def enrollment_event(program_id: str, group_id: str, *, status: str = "enrolled", sequence: int = 1,
                     enrollment_id: str | None = None, client_id: str | None = None,
                     type: str = "bimbingan.enrollment.created") -> dict:
    enrollment_id = enrollment_id or str(uuid.uuid4())
    data = {"id": enrollment_id, "client_id": client_id or str(uuid.uuid4()), "program_id": program_id,
            "group_id": group_id, "agreement_id": str(uuid.uuid4()), "status": status,
            "start_date": date.today().isoformat(), "sessions_attended": 0, "sessions_missed": 0,
            "consecutive_absences": 0, "outcome": None, "reason_code": None, "ended_on": None}
    return build_event(region=REGION, service="bimbingan", type=type, subject=enrollment_id, sequence=sequence,
                       data=data, correlation_id=str(uuid.uuid4()))

