"""Client bodies for klien's tests: valid by default, unique register numbers and NIKs."""
import random
import uuid


def unique_nik() -> str:
    return "".join(random.choice("0123456789") for _ in range(16))


def client_body(**overrides) -> dict:
    body = {"register_number": f"PAS-{uuid.uuid4().hex[:10]}", "name": "Budi Santoso", "nik": unique_nik(),
            "birth_date": "1980-01-01", "sex": "L", "address": "Jl. Merdeka 1, Palembang",
            "supervision_type": "PB", "offence_category": "pencurian",
            "decree": {"number": "PAS-1.PK.05.09-123/2026", "date": "2026-01-01"},
            "supervision_start": "2026-01-02", "supervision_end": "2027-01-01", "officer_id": "pk-0007",
            "bapas_office": "palembang"}
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not ...}


def enrollment_data(client_id: str, enrollment_id: str | None = None, **overrides) -> dict:
    """bimbingan's enrollment state as its events carry it (docs/event-contracts.md)."""
    data = {"id": enrollment_id or str(uuid.uuid4()), "client_id": client_id, "program_id": str(uuid.uuid4()),
            "group_id": str(uuid.uuid4()), "agreement_id": str(uuid.uuid4()), "status": "enrolled",
            "start_date": "2026-03-01", "sessions_attended": 0, "sessions_missed": 0, "consecutive_absences": 0,
            "outcome": None, "reason_code": None, "ended_on": None}
    data.update(overrides)
    return data
