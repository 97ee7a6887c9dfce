"""The walking skeleton: a client registered in klien reaches bimbingan's replica, and an
enrollment in bimbingan reaches klien's guidance view."""
from tests.support.poll import eventually


def test_enrollment_reaches_the_clients_guidance_view(admin):
    client = admin.klien.created("/clients", {
        "register_number": "SKEL-001", "name": "Budi Santoso", "supervision_type": "PB", "officer_id": "pk-1",
        "nik": "1671010101800001", "birth_date": "1980-01-01", "sex": "L", "address": "Jl. Merdeka 1",
        "offence_category": "theft", "decree": {"number": "PAS-1/2026", "date": "2026-01-01"},
        "supervision_start": "2026-01-02", "supervision_end": "2027-01-01", "bapas_office": "palembang"})
    program_id = client["id"]
    enrollment = admin.bimbingan.created("/enrollments", {"client_id": client["id"], "program_id": program_id})

    def guidance_shows_it():
        guidance = admin.klien.get(f"/clients/{client['id']}").json()["guidance"]
        assert guidance["active_enrollments"] == 1
        assert guidance["enrollments"][0]["enrollment_id"] == enrollment["id"]
        return guidance

    eventually(guidance_shows_it, timeout=10)


def test_every_service_is_ready_and_documents_itself(stack, admin):
    import requests
    for client in (admin.klien, admin.pokmas, admin.bimbingan):
        assert requests.get(client.base_url + "/readyz", timeout=5).json()["status"] == "ready"
        spec = client.get("/openapi.json").json()
        assert spec["openapi"].startswith("3.")
        assert client.get("/asyncapi.json").json()["asyncapi"] == "3.0.0"
