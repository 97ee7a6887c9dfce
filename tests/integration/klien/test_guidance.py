"""Each client's guidance view, kept from bimbingan's enrollment events: exact under redelivery,
out-of-order arrival, and rebuildable from bimbingan's /events feed."""
import uuid

import pytest
from flask import current_app

from shared.inbox import APPLIED, DUPLICATE, STALE
from tests.support.client import ServiceApp
from tests.support.klien_data import client_body, enrollment_data
from tests.support.klien_fakes import FakeService

CREATED, ATTENDED = "bimbingan.enrollment.created", "bimbingan.attendance.recorded"
COMPLETED, WITHDRAWN = "bimbingan.enrollment.completed", "bimbingan.enrollment.withdrawn"
ATTENTION = "bimbingan.enrollment.attention_required"


@pytest.fixture
def client(officer):
    return officer.created("/clients", client_body())


def guidance(officer, client) -> dict:
    return officer.get(f"/clients/{client['id']}").get_json()["guidance"]


def lifecycle(client_id: str) -> list[tuple[str, dict, int]]:
    """created, two sessions attended, completed: (type, data, sequence)."""
    base = enrollment_data(client_id)
    return [(CREATED, base, 1),
            (ATTENDED, {**base, "sessions_attended": 1, "session_id": str(uuid.uuid4()), "attendance": "present"}, 2),
            (ATTENDED, {**base, "sessions_attended": 1, "sessions_missed": 1, "consecutive_absences": 1,
                        "session_id": str(uuid.uuid4()), "attendance": "absent"}, 3),
            (COMPLETED, {**base, "status": "completed", "sessions_attended": 1, "sessions_missed": 1,
                         "outcome": "achieved", "ended_on": "2026-06-30"}, 4)]


def test_the_view_follows_an_enrollment_through_its_life(officer, klien, client):
    steps = lifecycle(client["id"])
    klien.deliver(*steps[0])
    view = guidance(officer, client)
    assert view["active_enrollments"] == 1 and view["enrollments"][0]["enrollment_id"] == steps[0][1]["id"]
    for step in steps[1:]:
        klien.deliver(*step)
    view = guidance(officer, client)
    assert (view["active_enrollments"], view["completed_programs"]) == (0, 1)
    assert (view["sessions_attended"], view["sessions_missed"]) == (1, 1)
    assert officer.get(f"/clients/{client['id']}").get_json()["version"] == 1


def test_redelivered_events_count_once(officer, klien, client):
    events = [klien.event(*step) for step in lifecycle(client["id"])[:3]]
    assert [klien.applier.apply(e) for e in events] == [APPLIED] * 3
    assert [klien.applier.apply(e) for e in events] == [DUPLICATE] * 3
    view = guidance(officer, client)
    assert (view["sessions_attended"], view["sessions_missed"], len(view["enrollments"])) == (1, 1, 1)


def test_events_out_of_order_end_in_the_newest_state(officer, klien, client):
    steps = lifecycle(client["id"])
    assert klien.deliver(*steps[3]) == APPLIED
    assert [klien.deliver(*step) for step in steps[:3]] == [STALE] * 3
    view = guidance(officer, client)
    assert (view["active_enrollments"], view["completed_programs"], view["sessions_attended"]) == (0, 1, 1)
    assert view["enrollments"][0]["status"] == "completed"


def test_several_enrollments_add_up_and_withdrawn_ones_are_not_active(officer, klien, client):
    one, two = enrollment_data(client["id"]), enrollment_data(client["id"], sessions_attended=2)
    klien.deliver(CREATED, one, 1)
    klien.deliver(CREATED, two, 1)
    klien.deliver(WITHDRAWN, {**two, "status": "withdrawn", "reason_code": "client_ended",
                              "ended_on": "2026-04-01"}, 2)
    view = guidance(officer, client)
    assert (view["active_enrollments"], view["completed_programs"], view["sessions_attended"]) == (1, 0, 2)
    assert {(e["enrollment_id"], e["status"]) for e in view["enrollments"]} == {
        (one["id"], "enrolled"), (two["id"], "withdrawn")}


def test_excused_sessions_are_neither_attended_nor_missed(officer, klien, client):
    base = enrollment_data(client["id"])
    klien.deliver(ATTENDED, {**base, "session_id": str(uuid.uuid4()), "attendance": "excused"}, 2)
    view = guidance(officer, client)
    assert (view["sessions_attended"], view["sessions_missed"]) == (0, 0)


def test_three_absences_in_a_row_flag_the_enrollment_until_it_ends(officer, klien, client):
    base = enrollment_data(client["id"])
    klien.deliver(ATTENTION, {**base, "sessions_missed": 3, "consecutive_absences": 3}, 4)
    view = guidance(officer, client)
    assert view["attention_required"] == 1 and view["enrollments"][0]["attention_required"] is True
    klien.deliver(WITHDRAWN, {**base, "status": "withdrawn", "sessions_missed": 3, "consecutive_absences": 3,
                              "reason_code": "absent", "ended_on": "2026-05-01"}, 5)
    assert guidance(officer, client)["attention_required"] == 0


def test_malformed_enrollment_data_is_refused_and_writes_nothing(klien, client):
    data = {**enrollment_data(client["id"]), "client_id": "klien:client:x"}
    with pytest.raises(ValueError):
        klien.deliver(CREATED, data, 1)
    assert klien.redis.keys("klien:guidance:*") == []


def test_a_lost_view_is_rebuilt_from_bimbingans_feed(redis_url, officer, klien, client):
    from services.klien.app import SERVICE
    from shared.commands.rebuild_views import rebuild
    events = [klien.event(*step) for step in lifecycle(client["id"])]
    for event in events:
        klien.applier.apply(event)
    before = guidance(officer, client)
    klien.redis.delete(f"klien:guidance:{client['id']}")
    with FakeService({"/events": {"items": events, "next_after": None}}) as bimbingan, \
            FakeService({"/events": {"items": [], "next_after": None}}) as pokmas:
        rebuilt = ServiceApp("klien", redis_url, urls={"bimbingan": bimbingan.url, "pokmas": pokmas.url})
        with rebuilt.app.app_context():
            assert rebuild(current_app.extensions["bapas"], SERVICE) == {"bimbingan": 4, "pokmas": 0}
    assert guidance(officer, client) == before


def test_a_recount_after_a_cancelled_session_clears_the_attention_flag(klien, officer, client):
    base = enrollment_data(client["id"])
    klien.deliver(CREATED, base, 1)
    klien.deliver(ATTENTION, {**base, "sessions_missed": 3, "consecutive_absences": 3}, 4)
    assert guidance(officer, client)["attention_required"] == 1
    klien.deliver("bimbingan.attendance.recounted", {**base, "sessions_missed": 2, "consecutive_absences": 2,
                                                     "session_id": str(uuid.uuid4())}, 5)
    view = guidance(officer, client)
    assert (view["attention_required"], view["sessions_missed"]) == (0, 2)


def test_each_guidance_entry_names_its_program_group_and_guidance_type(klien, officer, client):
    base = enrollment_data(client["id"])
    klien.deliver(CREATED, base, 1)
    entry = guidance(officer, client)["enrollments"][0]
    assert (entry["program_name"], entry["group_name"], entry["guidance_type"]) == (None, None, None)
    klien.deliver("pokmas.group.registered", {"id": base["group_id"], "name": "Yayasan Bina Insani",
                                              "legal_form": "yayasan", "bapas_office": "palembang",
                                              "status": "active"}, 1)
    klien.deliver("pokmas.agreement.activated", {
        "id": base["agreement_id"], "group_id": base["group_id"], "number": "PKS-1", "status": "active",
        "valid_from": "2026-01-01", "valid_until": "2027-12-31",
        "programs": [{"id": base["program_id"], "name": "Budidaya bidara arab", "guidance_type": "kemandirian",
                      "capacity": 10}]}, 2)
    entry = guidance(officer, client)["enrollments"][0]
    assert (entry["program_name"], entry["group_name"], entry["guidance_type"]) == (
        "Budidaya bidara arab", "Yayasan Bina Insani", "kemandirian")


def test_a_list_asked_with_guidance_gives_each_client_its_view_as_get_by_id_does(officer, klien, client):
    other = officer.created("/clients", client_body(officer_id=client["officer_id"]))
    klien.deliver(*lifecycle(client["id"])[0])
    query = {"officer_id": client["officer_id"], "limit": 500}
    items = {c["id"]: c for c in officer.get("/clients", query_string={**query, "guidance": "true"}).get_json()["items"]}
    assert items[client["id"]]["guidance"] == guidance(officer, client)
    assert items[client["id"]]["guidance"]["active_enrollments"] == 1
    assert items[other["id"]]["guidance"] == guidance(officer, other)
    assert items[other["id"]]["guidance"]["enrollments"] == []
    plain = officer.get("/clients", query_string=query).get_json()["items"]
    assert all("guidance" not in c for c in plain)                # only when asked: a list reads no more
