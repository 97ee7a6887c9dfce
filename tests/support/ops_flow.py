"""Data for the integrator tests, made through the public API as a user would (unique per call)."""
import uuid


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def register_group(admin) -> dict:
    return admin.pokmas.created("/groups", {"name": unique("Yayasan Integrasi"), "legal_form": "yayasan",
                                            "address": "Jl. Integrasi 7", "contact": "0711-555-0100",
                                            "bapas_office": "palembang"})


def register_client(admin) -> dict:
    return admin.klien.created("/clients", {
        "register_number": unique("OPS"), "name": "Rahmat Hidayat",
        "nik": f"167101010185{uuid.uuid4().int % 10000:04d}",  # NIK is unique among active clients
        "birth_date": "1985-01-01", "sex": "L", "address": "Jl. Sudirman 9", "supervision_type": "PB",
        "offence_category": "pencurian", "decree": {"number": unique("PAS"), "date": "2026-10-01"},
        "supervision_start": "2026-10-02", "supervision_end": "2027-10-01", "officer_id": "pk-ops",
        "bapas_office": "palembang"})


def guidance_flow(admin) -> dict:
    """A group with an active agreement, a client enrolled in its program, one session attended,
    the enrollment completed: events of every service. Returns the ids made."""
    group = register_group(admin)
    agreement = admin.pokmas.created("/agreements", {
        "group_id": group["id"], "number": unique("PKS"), "signed_on": "2026-11-01", "valid_from": "2026-11-01",
        "valid_until": "2027-10-31", "programs": [{"name": "Menjahit", "guidance_type": "kemandirian",
                                                   "capacity": 5}]})
    activated = admin.pokmas.post(f"/agreements/{agreement['id']}/activate", json={})
    assert activated.status_code == 200, activated.text
    program_id = agreement["programs"][0]["id"]
    client = register_client(admin)
    # a session that has taken place, of an enrollment that started by then: attendance can be recorded
    enrollment = admin.bimbingan.created("/enrollments", {"client_id": client["id"], "program_id": program_id,
                                                          "start_date": "2026-11-01"})
    session = admin.bimbingan.created("/sessions", {"program_id": program_id, "starts_at": "2026-11-01T02:00:00Z",
                                                    "topic": "Menjahit dasar", "facilitator": "Ibu Sari",
                                                    "delivery": "in_person"})
    attended = admin.bimbingan.post(f"/sessions/{session['id']}/attendance",
                                    json={"records": [{"enrollment_id": enrollment["id"], "attendance": "present"}]})
    assert attended.status_code in (200, 201), attended.text
    completed = admin.bimbingan.post(f"/enrollments/{enrollment['id']}/complete",
                                     json={"outcome": "achieved", "summary": "Selesai"})
    assert completed.status_code == 200, completed.text
    return {"group": group["id"], "agreement": agreement["id"], "client": client["id"],
            "enrollment": enrollment["id"], "session": session["id"]}


def feed(client) -> list[dict]:
    """Every event a service still keeps, oldest first, read as an integrator catching up."""
    events, after = [], None
    while True:
        page = client.get("/events", params={"limit": 1000, **({"after": after} if after else {})})
        assert page.status_code == 200, page.text
        body = page.json()
        events += body["items"]
        after = body["next_after"]
        if after is None:
            return events
