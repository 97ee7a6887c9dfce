"""pokmas over the running stack: an agreement's whole life as a BAPAS admin and its partner see it,
and the catalogue's open places following real enrollments in bimbingan."""
from tests.support.bimbingan_story import client_body
from tests.support.client import ServiceClient
from tests.support.pokmas_api import agreement_body, group_body, program_body
from tests.support.poll import eventually


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, (response.status_code, response.text)
    return response.json()


def feed_types(admin, subject: str) -> list[str]:
    types, after = [], None
    while True:
        page = ok(admin.pokmas.get("/events", params={"limit": 1000, **({"after": after} if after else {})}))
        types += [e["type"] for e in page["items"] if e["subject"] == subject]
        if not page["next_after"]:
            return types
        after = page["next_after"]


def test_register_sign_activate_suspend_reactivate_terminate(stack, admin, tokens):
    group = admin.pokmas.created("/groups", group_body())
    agreement = admin.pokmas.created("/agreements", agreement_body(group["id"]))
    path = f"/agreements/{agreement['id']}"
    assert agreement["status"] == "draft"
    assert ok(admin.pokmas.post(f"{path}/activate"))["status"] == "active"
    assert ok(admin.pokmas.post(f"{path}/suspend", json={"reason": "annual review"}))["status"] == "suspended"
    assert ok(admin.pokmas.post(f"{path}/activate"))["status"] == "active"
    ended = ok(admin.pokmas.post(f"{path}/terminate", json={"reason": "the group closed"}))
    assert (ended["status"], ended["version"]) == ("terminated", 5)
    again = admin.pokmas.post(f"{path}/activate")
    assert again.status_code == 409 and "current status is terminated" in again.json()["detail"]

    assert feed_types(admin, agreement["id"]) == [
        "pokmas.agreement.created", "pokmas.agreement.activated", "pokmas.agreement.suspended",
        "pokmas.agreement.activated", "pokmas.agreement.terminated"]
    partner = ServiceClient(stack.pokmas_url, tokens("partner", "p-pokmas", group_id=group["id"]))
    assert ok(partner.get(path))["status"] == "terminated"
    assert [g["id"] for g in ok(partner.get("/groups"))["items"]] == [group["id"]]
    assert partner.post(f"{path}/activate").status_code == 403


def test_the_catalogue_shows_open_places_as_bimbingan_fills_them(admin):
    group = admin.pokmas.created("/groups", group_body())
    agreement = admin.pokmas.created("/agreements", agreement_body(
        group["id"], programs=[program_body(capacity=1, guidance_type="kepribadian")]))
    program_id = agreement["programs"][0]["id"]
    query = {"open": "true", "guidance_type": "kepribadian", "group_id": group["id"]}

    def open_ids():
        return [p["id"] for p in ok(admin.pokmas.get("/programs", params=query))["items"]]

    assert open_ids() == []
    ok(admin.pokmas.post(f"/agreements/{agreement['id']}/activate"))
    assert open_ids() == [program_id]
    client = admin.klien.created("/clients", client_body("pokmas"))
    admin.bimbingan.created("/enrollments", {"client_id": client["id"], "program_id": program_id})

    def full():
        assert open_ids() == []
        program = ok(admin.pokmas.get(f"/programs/{program_id}"))
        assert program["utilization"] == {"enrolled": 1, "active": 1, "completed": 0, "withdrawn": 0}
        return program

    eventually(full, timeout=20)
    ok(admin.pokmas.patch(f"/agreements/{agreement['id']}/programs/{program_id}", json={"capacity": 2}))
    assert open_ids() == [program_id]
