"""Who may see and do what in klien, NIK masking, audited reads, and the data-subject export."""
import json
import uuid

import pytest

from shared import auth
from tests.support.client import ServiceApp, assert_problem
from tests.support.klien_data import client_body
from tests.support.klien_fakes import FakeService

STATUS = {"status": "completed", "reason": "served", "effective_date": "2026-12-01"}


def test_a_partner_gets_403_on_every_client_endpoint(klien, officer):
    client = officer.created("/clients", client_body())
    partner = klien.as_("partner")
    base = f"/clients/{client['id']}"
    for response in (partner.get("/clients"), partner.get(base), partner.get(base + "/history"),
                     partner.get(base + "/export"), partner.post("/clients", client_body()),
                     partner.patch(base, {"name": "x"}), partner.post(base + "/status", STATUS)):
        assert_problem(response, 403)


def test_an_auditor_reads_with_the_nik_masked_and_writes_nothing(klien, officer):
    client = officer.created("/clients", client_body(nik="1671010101804321"))
    auditor = klien.as_("auditor")
    assert auditor.get(f"/clients/{client['id']}").get_json()["nik"] == "************4321"
    assert [c["nik"] for c in auditor.get("/clients").get_json()["items"]] == ["************4321"]
    assert auditor.get(f"/clients/{client['id']}/history").status_code == 200
    assert_problem(auditor.post("/clients", client_body()), 403)
    assert_problem(auditor.patch(f"/clients/{client['id']}", {"name": "x"}), 403)
    assert_problem(auditor.post(f"/clients/{client['id']}/status", STATUS), 403)
    assert_problem(auditor.get(f"/clients/{client['id']}/export"), 403)


def test_admin_and_officer_see_the_whole_nik(klien, officer):
    client = officer.created("/clients", client_body(nik="1671010101804322"))
    assert client["nik"] == "1671010101804322"
    assert klien.as_("admin").get(f"/clients/{client['id']}").get_json()["nik"] == "1671010101804322"


def test_only_admin_may_export(klien, officer):
    client = officer.created("/clients", client_body())
    assert_problem(officer.get(f"/clients/{client['id']}/export"), 403)


def test_a_token_of_another_region_opens_nothing(klien):
    token = auth.issue_token("s", role="admin", sub="a", region="jabar")
    assert_problem(klien.app.test_client().get("/clients", headers={"Authorization": f"Bearer {token}"}), 403)


def test_reads_of_full_records_and_every_write_are_audited(klien, officer):
    client = officer.created("/clients", client_body())
    officer.get(f"/clients/{client['id']}")
    officer.get("/clients")
    entries = [json.loads(f["entry"]) for _, f in klien.redis.xrange("klien:audit")]
    assert [(e["method"], e["action"], e["sub"]) for e in entries] == [
        ("POST", "write", "officer-1"), ("GET", "read_client", "officer-1"), ("GET", "list_clients", "officer-1")]


@pytest.fixture
def person(officer):
    return officer.created("/clients", client_body(name="Subjek Data", nik="1671010101809999"))


def gathered(person) -> tuple[dict, dict]:
    enrollment = {"id": str(uuid.uuid4()), "client_id": person["id"], "group_id": str(uuid.uuid4()),
                  "agreement_id": str(uuid.uuid4()), "status": "enrolled"}
    bimbingan = {"/enrollments": {"items": [enrollment], "next_cursor": None},
                 f"/enrollments/{enrollment['id']}": {**enrollment, "attendance": [{"attendance": "present"}]}}
    pokmas = {f"/groups/{enrollment['group_id']}": {"id": enrollment["group_id"], "name": "Yayasan Harapan"},
              f"/agreements/{enrollment['agreement_id']}": {"id": enrollment["agreement_id"], "number": "PKS-1"}}
    return bimbingan, pokmas


def test_the_export_holds_what_every_service_keeps_about_the_person(redis_url, person):
    bimbingan_routes, pokmas_routes = gathered(person)
    with FakeService(bimbingan_routes) as bimbingan, FakeService(pokmas_routes) as pokmas:
        klien = ServiceApp("klien", redis_url, urls={"bimbingan": bimbingan.url, "pokmas": pokmas.url})
        response = klien.as_("admin", "dpo-1").get(f"/clients/{person['id']}/export")
        assert response.status_code == 200, response.get_data(as_text=True)
        export = response.get_json()
    assert export["exported_by"] == "dpo-1"
    assert (export["klien"]["client"]["nik"], export["klien"]["client"]["name"]) == ("1671010101809999", "Subjek Data")
    assert [e["action"] for e in export["klien"]["history"]] == ["registered"]
    assert export["bimbingan"]["enrollments"][0]["attendance"] == [{"attendance": "present"}]
    assert export["pokmas"]["groups"][0]["name"] == "Yayasan Harapan"
    assert export["pokmas"]["agreements"][0]["number"] == "PKS-1"
    assert f"client_id={person['id']}" in bimbingan.seen[0][0]
    assert all(header.startswith("Bearer ") for _, header in bimbingan.seen + pokmas.seen)


def test_the_export_is_503_with_retry_after_when_a_service_cannot_be_reached(redis_url, person):
    bimbingan_routes, pokmas_routes = gathered(person)
    with FakeService(bimbingan_routes) as bimbingan, FakeService(pokmas_routes, status=500) as broken:
        for urls in ({"bimbingan": bimbingan.url, "pokmas": "http://127.0.0.1:1"},
                     {"bimbingan": bimbingan.url, "pokmas": broken.url},
                     {"bimbingan": "http://127.0.0.1:1", "pokmas": broken.url}, {}):
            response = ServiceApp("klien", redis_url, urls=urls).as_("admin").get(f"/clients/{person['id']}/export")
            assert_problem(response, 503)
            assert int(response.headers["Retry-After"]) > 0


def test_the_export_of_an_unknown_client_is_404(klien):
    assert_problem(klien.as_("admin").get(f"/clients/{uuid.uuid4()}/export"), 404)


def test_a_partner_sees_its_own_participants_by_id_and_name_only(klien, officer):
    from tests.support.klien_data import enrollment_data
    client = officer.created("/clients", client_body())
    own_group, other_group = str(uuid.uuid4()), str(uuid.uuid4())
    klien.deliver("bimbingan.enrollment.created", enrollment_data(client["id"], group_id=own_group), 1)

    seen = klien.as_("partner", group_id=own_group).get(f"/clients/{client['id']}")
    assert seen.status_code == 200
    assert seen.get_json() == {"id": client["id"], "name": client["name"], "version": client["version"]}
    assert_problem(klien.as_("partner", group_id=other_group).get(f"/clients/{client['id']}"), 403)
    assert_problem(klien.as_("partner", group_id=own_group).get("/clients"), 403)


def test_a_partner_gets_the_same_403_for_a_client_not_its_own_and_a_missing_one(klien, officer):
    client = officer.created("/clients", client_body())
    partner = klien.as_("partner")
    answers = [assert_problem(partner.get(f"/clients/{client_id}"), 403) for client_id in (client["id"],
                                                                                         str(uuid.uuid4()))]
    assert answers[0]["detail"] == answers[1]["detail"]
