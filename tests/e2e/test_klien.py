"""klien over the running stack: a PK registers, finds, corrects and ends a client and reads its
history; roles see what they may; the export gathers what every service holds about the person."""
import uuid

from tests.support.client import ServiceClient
from tests.support.klien_data import client_body
from tests.support.poll import eventually


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, f"{response.request.method} {response.url}: {response.text}"
    return response.json()


def test_register_find_correct_end_and_read_the_history(stack, tokens):
    pk = ServiceClient(stack.klien_url, tokens("officer", "pk-e2e"))
    surname = f"Kurniawan{uuid.uuid4().hex[:6]}"
    client = pk.created("/clients", client_body(name=f"Agus {surname}"))
    found = ok(pk.get("/clients", params={"q": surname.lower()[:8]}))["items"]
    assert [c["id"] for c in found] == [client["id"]]

    corrected = pk.patch(f"/clients/{client['id']}", json={"address": "Jl. Baru 3"}, headers={"If-Match": '"1"'})
    assert ok(corrected)["version"] == 2 and corrected.headers["ETag"] == '"2"'
    stale = pk.patch(f"/clients/{client['id']}", json={"address": "Jl. Lain 4"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 412 and stale.headers["Content-Type"] == "application/problem+json"

    ended = ok(pk.post(f"/clients/{client['id']}/status", json={"status": "completed", "reason": "served",
                                                                "effective_date": "2026-11-27"}))
    assert (ended["status"], ended["version"]) == ("completed", 3)
    again = pk.post(f"/clients/{client['id']}/status", json={"status": "revoked", "reason": "x",
                                                              "effective_date": "2026-11-28"})
    assert again.status_code == 409 and "current status is completed" in again.json()["detail"]
    assert [c["id"] for c in ok(pk.get("/clients", params={"q": surname, "status": "completed"}))["items"]] == [
        client["id"]]

    history = ok(pk.get(f"/clients/{client['id']}/history"))["items"]
    assert [(e["action"], e["by"]) for e in history] == [("registered", "pk-e2e"), ("updated", "pk-e2e"),
                                                          ("status_changed", "pk-e2e")]
    assert history[1]["fields"] == ["address"] and "Jl. Baru" not in str(history)


def test_duplicates_are_409_and_roles_see_what_they_may(stack, tokens, admin):
    body = client_body()
    client = admin.klien.created("/clients", body)
    assert admin.klien.post("/clients", json=client_body(register_number=body["register_number"].lower())
                            ).status_code == 409
    assert admin.klien.post("/clients", json=client_body(nik=body["nik"])).status_code == 409
    auditor = ServiceClient(stack.klien_url, tokens("auditor", "aud-e2e"))
    assert ok(auditor.get(f"/clients/{client['id']}"))["nik"] == "*" * 12 + body["nik"][-4:]
    assert auditor.patch(f"/clients/{client['id']}", json={"name": "x"}).status_code == 403
    partner = ServiceClient(stack.klien_url, tokens("partner", "p-e2e", group_id=str(uuid.uuid4())))
    assert partner.get(f"/clients/{client['id']}").status_code == 403
    assert partner.get("/clients").status_code == 403


def test_the_guidance_view_and_the_export_show_an_enrollment_until_the_client_ends(admin):
    client = admin.klien.created("/clients", client_body(supervision_start="2026-01-15"))
    group = admin.pokmas.created("/groups", {"name": f"Yayasan Klien {uuid.uuid4().hex[:6]}", "legal_form": "yayasan",
                                             "address": "Jl. Kol. Atmo 5", "contact": "0711-000000",
                                             "bapas_office": "palembang"})
    agreement = admin.pokmas.created("/agreements", {
        "group_id": group["id"], "number": f"PKS/{uuid.uuid4().hex[:8]}/2026", "signed_on": "2026-11-01",
        "valid_from": "2026-11-01", "valid_until": "2027-10-31",
        "programs": [{"name": "Menjahit", "guidance_type": "kemandirian", "capacity": 5}]})
    ok(admin.pokmas.post(f"/agreements/{agreement['id']}/activate"))
    enrollment = admin.bimbingan.created("/enrollments", {"client_id": client["id"],
                                                          "program_id": agreement["programs"][0]["id"]})

    def shown():
        guidance = ok(admin.klien.get(f"/clients/{client['id']}"))["guidance"]
        assert guidance["active_enrollments"] == 1
        assert guidance["enrollments"][0]["enrollment_id"] == enrollment["id"]
        return guidance
    eventually(shown, timeout=15)

    export = ok(admin.klien.get(f"/clients/{client['id']}/export"))
    assert export["klien"]["client"]["nik"] == client["nik"]
    assert [e["id"] for e in export["bimbingan"]["enrollments"]] == [enrollment["id"]]
    assert [g["id"] for g in export["pokmas"]["groups"]] == [group["id"]]
    assert [a["id"] for a in export["pokmas"]["agreements"]] == [agreement["id"]]

    ok(admin.klien.post(f"/clients/{client['id']}/status", json={"status": "transferred", "reason": "moved",
                                                                 "effective_date": "2026-11-28"}))

    def withdrawn_by_bimbingan():
        guidance = ok(admin.klien.get(f"/clients/{client['id']}"))["guidance"]
        assert guidance["active_enrollments"] == 0 and guidance["enrollments"][0]["status"] == "withdrawn"
        return guidance
    eventually(withdrawn_by_bimbingan, timeout=15)
