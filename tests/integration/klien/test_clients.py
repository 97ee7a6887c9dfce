"""Registering, correcting and ending clients over HTTP, against a real Redis."""
import uuid

from tests.support.client import assert_problem
from tests.support.klien_data import client_body


def outbox_events(klien) -> list[dict]:
    import json
    return [json.loads(fields["event"]) for _, fields in klien.redis.xrange("klien:outbox")]


def test_a_registered_client_is_active_at_version_1_and_readable(officer):
    body = client_body()
    response = officer.post("/clients", body)
    assert response.status_code == 201 and response.headers["ETag"] == '"1"'
    client = response.get_json()
    assert {k: client[k] for k in body} == body
    assert (client["status"], client["version"], client["created_by"]) == ("active", 1, "officer-1")
    shown = officer.get(f"/clients/{client['id']}")
    assert shown.status_code == 200 and shown.headers["ETag"] == '"1"'
    assert shown.get_json()["guidance"] == {"active_enrollments": 0, "completed_programs": 0, "sessions_attended": 0,
                                            "sessions_missed": 0, "attention_required": 0, "enrollments": []}


def test_a_register_number_is_unique_in_any_case(officer):
    officer.created("/clients", client_body(register_number="PAS-UNIQ-1"))
    body = assert_problem(officer.post("/clients", client_body(register_number="pas-uniq-1")), 409)
    assert "PAS-UNIQ-1".casefold() in body["detail"].casefold()


def test_a_second_active_client_with_the_same_nik_is_refused_without_showing_the_nik(officer):
    first = officer.created("/clients", client_body(nik="1671010101800001"))
    body = assert_problem(officer.post("/clients", client_body(nik="1671010101800001")), 409)
    assert "1671010101800001" not in body["detail"] and first["id"] in body["detail"]


def test_an_ended_client_can_be_registered_again_as_a_new_client(officer):
    first = officer.created("/clients", client_body(nik="1671010101800002"))
    officer.post(f"/clients/{first['id']}/status", {"status": "completed", "reason": "served",
                                                    "effective_date": "2027-01-01"})
    again = officer.created("/clients", client_body(nik="1671010101800002"))
    assert again["id"] != first["id"] and again["status"] == "active"
    assert officer.get(f"/clients/{first['id']}").get_json()["status"] == "completed"


def test_rules_across_fields_are_422_naming_the_field(officer):
    cases = {"decree": client_body(supervision_type="CMB", decree=None),
             "supervision_end": client_body(supervision_end="2025-12-31"),
             "birth_date": client_body(birth_date="2026-05-05")}
    for field, body in cases.items():
        assert field in assert_problem(officer.post("/clients", body), 422)["errors"]


def test_unknown_client_is_404_and_a_bad_id_never_reaches_redis(officer):
    assert_problem(officer.get(f"/clients/{uuid.uuid4()}"), 404)
    assert_problem(officer.patch(f"/clients/{uuid.uuid4()}", {"name": "x"}), 404)
    assert_problem(officer.post(f"/clients/{uuid.uuid4()}/status", {"status": "completed", "reason": "r",
                                                                     "effective_date": "2027-01-01"}), 404)
    assert_problem(officer.get("/clients/klien:client:*"), 404)


def test_a_correction_with_if_match_bumps_the_version_and_a_stale_one_is_412(officer, klien):
    client = officer.created("/clients", client_body())
    response = officer.patch(f"/clients/{client['id']}", {"officer_id": "pk-0099", "name": "Budi S."},
                             headers={"If-Match": '"1"'})
    assert response.status_code == 200 and response.headers["ETag"] == '"2"'
    updated = response.get_json()
    assert (updated["officer_id"], updated["version"], updated["updated_by"]) == ("pk-0099", 2, "officer-1")
    assert_problem(officer.patch(f"/clients/{client['id']}", {"name": "Other"}, headers={"If-Match": '"1"'}), 412)
    assert officer.get(f"/clients/{client['id']}").get_json()["name"] == "Budi S."
    assert [e["type"] for e in outbox_events(klien)] == ["klien.client.registered", "klien.client.updated"]


def test_a_correction_keeps_register_number_and_nik_unique(officer):
    one = officer.created("/clients", client_body(register_number="PAS-A-1", nik="1671010101800003"))
    two = officer.created("/clients", client_body(register_number="PAS-A-2"))
    assert_problem(officer.patch(f"/clients/{two['id']}", {"register_number": "PAS-A-1"}), 409)
    assert_problem(officer.patch(f"/clients/{two['id']}", {"nik": "1671010101800003"}), 409)
    assert officer.patch(f"/clients/{one['id']}", {"register_number": "PAS-A-3"}).status_code == 200
    assert officer.patch(f"/clients/{two['id']}", {"register_number": "PAS-A-1"}).status_code == 200


def test_a_correction_that_breaks_a_rule_is_422_and_changes_nothing(officer):
    client = officer.created("/clients", client_body())
    assert "decree" in assert_problem(officer.patch(f"/clients/{client['id']}", {"decree": None}), 422)["errors"]
    assert_problem(officer.patch(f"/clients/{client['id']}", {}), 422)
    assert officer.get(f"/clients/{client['id']}").get_json()["version"] == 1


def test_ending_a_client_publishes_its_status_and_a_second_end_is_409_naming_the_status(officer, klien):
    client = officer.created("/clients", client_body())
    response = officer.post(f"/clients/{client['id']}/status", {"status": "revoked", "reason": "violated conditions",
                                                                 "effective_date": "2026-07-01"},
                            headers={"If-Match": '"1"'})
    assert response.status_code == 200 and response.headers["ETag"] == '"2"'
    ended = response.get_json()
    assert (ended["status"], ended["status_effective_date"], ended["status_changed_by"]) == (
        "revoked", "2026-07-01", "officer-1")
    body = assert_problem(officer.post(f"/clients/{client['id']}/status", {
        "status": "completed", "reason": "x", "effective_date": "2026-08-01"}), 409)
    assert "current status is revoked" in body["detail"]
    event = outbox_events(klien)[-1]
    assert (event["type"], event["sequence"], event["data"]["status"]) == ("klien.client.status_changed", 2, "revoked")
    assert "violated" not in str(event)


def test_a_stale_status_change_is_412(officer):
    client = officer.created("/clients", client_body())
    officer.patch(f"/clients/{client['id']}", {"offence_category": "fraud"})
    assert_problem(officer.post(f"/clients/{client['id']}/status", {
        "status": "completed", "reason": "x", "effective_date": "2026-08-01"}, headers={"If-Match": '"1"'}), 412)


def test_history_keeps_who_when_and_which_fields_without_personal_values(officer, klien):
    client = officer.created("/clients", client_body())
    klien.as_("admin", "admin-7").patch(f"/clients/{client['id']}", {"address": "Jl. Rahasia 9", "sex": "P"})
    officer.post(f"/clients/{client['id']}/status", {"status": "transferred", "reason": "moved",
                                                     "effective_date": "2026-09-01"})
    history = officer.get(f"/clients/{client['id']}/history").get_json()
    assert [(e["action"], e["version"], e["by"]) for e in history["items"]] == [
        ("registered", 1, "officer-1"), ("updated", 2, "admin-7"), ("status_changed", 3, "officer-1")]
    assert history["items"][1]["fields"] == ["address", "sex"]
    assert (history["items"][2]["previous_status"], history["items"][2]["effective_date"]) == ("active", "2026-09-01")
    assert "Rahasia" not in str(history)
    first = officer.get(f"/clients/{client['id']}/history?limit=2").get_json()
    rest = officer.get(f"/clients/{client['id']}/history?limit=2&cursor={first['next_cursor']}").get_json()
    assert [e["version"] for e in first["items"] + rest["items"]] == [1, 2, 3] and rest["next_cursor"] is None


def test_events_carry_ids_codes_dates_and_statuses_only(officer, klien):
    body = client_body(name="Nama Rahasia", nik="9876543210987654", address="Alamat Rahasia")
    client = officer.created("/clients", body)
    officer.patch(f"/clients/{client['id']}", {"name": "Nama Lain Rahasia"})
    published = str(outbox_events(klien))
    assert not [v for v in ("Rahasia", "9876543210987654", "1980-01-01") if v in published]


def test_concurrent_registrations_of_one_register_number_or_nik_let_exactly_one_through(klien):
    from concurrent.futures import ThreadPoolExecutor
    shared_nik = "1671010101800777"
    bodies = [client_body(register_number="RACE-1") for _ in range(6)] + [client_body(nik=shared_nik)
                                                                          for _ in range(6)]
    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(lambda body: klien.as_("officer").post("/clients", body).status_code, bodies))
    assert sorted(statuses[:6]) == [201] + [409] * 5
    assert sorted(statuses[6:]) == [201] + [409] * 5


def test_a_diversion_is_for_a_child_and_an_adult_is_refused_naming_the_birth_date(officer):
    adult = assert_problem(officer.post("/clients", client_body(supervision_type="DIVERSI", decree=None,
                                                                birth_date="1970-01-01")), 422)
    assert "DIVERSI" in adult["errors"]["birth_date"][0]
    child = officer.created("/clients", client_body(supervision_type="DIVERSI", decree=None, birth_date="2011-06-01"))
    assert_problem(officer.patch(f"/clients/{child['id']}", {"birth_date": "1999-06-01"}), 422)
