"""bimbingan over the running stack: capacity under concurrent HTTP requests, and a partner kept
to its own group."""
import uuid
from concurrent.futures import ThreadPoolExecutor

from tests.support.bimbingan_story import agreement_body, client_body, group_body, ok
from tests.support.client import ServiceClient
from tests.support.poll import eventually


def active_program(admin, capacity: int) -> tuple[dict, dict]:
    group = admin.pokmas.created("/groups", group_body())
    agreement = admin.pokmas.created("/agreements", agreement_body(group["id"], [capacity]))
    ok(admin.pokmas.post(f"/agreements/{agreement['id']}/activate"))
    return group, agreement


def test_concurrent_requests_for_the_last_places_never_exceed_capacity(stack, admin, tokens):
    _, agreement = active_program(admin, capacity=2)
    program_id = agreement["programs"][0]["id"]
    clients = [admin.klien.created("/clients", client_body(f"race{i}"))["id"] for i in range(8)]

    def enroll(client_id):
        officer = ServiceClient(stack.bimbingan_url, tokens("officer", "pk-race"))
        return officer.post("/enrollments", json={"client_id": client_id, "program_id": program_id}).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = sorted(pool.map(enroll, clients))
    assert statuses == [201, 201] + [409] * 6

    def utilization_shows_full():
        program = admin.pokmas.get(f"/agreements/{agreement['id']}").json()["programs"][0]
        assert (program["utilization"]["active"], program["utilization"]["enrolled"]) == (2, 2)
        return True

    eventually(utilization_shows_full, timeout=20)


def test_a_partner_sees_only_its_own_groups_enrollments(stack, admin, tokens):
    group, agreement = active_program(admin, capacity=5)
    _, other = active_program(admin, capacity=5)
    client_id = admin.klien.created("/clients", client_body("scope"))["id"]
    mine = admin.bimbingan.created("/enrollments", {"client_id": client_id,
                                                    "program_id": agreement["programs"][0]["id"]})
    theirs = admin.bimbingan.created("/enrollments", {"client_id": client_id,
                                                      "program_id": other["programs"][0]["id"]})
    partner = ServiceClient(stack.bimbingan_url, tokens("partner", "partner-scope", group_id=group["id"]))
    listed = ok(partner.get("/enrollments", params={"client_id": client_id}))["items"]
    assert [e["id"] for e in listed] == [mine["id"]]
    assert partner.get(f"/enrollments/{theirs['id']}").status_code == 403
    assert partner.post(f"/enrollments/{mine['id']}/withdraw", json={"reason_code": "other"}).status_code == 403


def test_a_partner_sees_no_pk_note_and_cannot_probe_what_exists(stack, admin, tokens):
    group, agreement = active_program(admin, capacity=5)
    client_id = admin.klien.created("/clients", client_body("probe"))["id"]
    mine = admin.bimbingan.created("/enrollments", {"client_id": client_id, "note": "PK's own note",
                                                    "program_id": agreement["programs"][0]["id"]})
    partner = ServiceClient(stack.bimbingan_url, tokens("partner", "partner-probe", group_id=group["id"]))
    assert "note" not in ok(partner.get(f"/enrollments/{mine['id']}"))
    missing = partner.get(f"/enrollments/{uuid.uuid4()}")
    assert missing.status_code == 403
    assert admin.bimbingan.get(f"/enrollments/{uuid.uuid4()}").status_code == 404
