"""Wajib lapor over HTTP against a real Redis: the schedule, check-ins (idempotent), the summary on
the client, the attention flag from either source in GET /clients?attention=true, and clearing it."""
import json
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from shared import clock
from tests.support.client import ServiceApp, assert_problem
from tests.support.klien_data import client_body, enrollment_data
from tests.support.klien_fakes import FakeService
from tests.support.reporting import day, scheduled_client, staged, worker

MISSED, ATTENTION = "klien.reporting.missed", "klien.client.attention_required"


@pytest.fixture(autouse=True)
def real_clock():
    yield
    clock.reset()


def reporting(caller, client, query: str = "") -> dict:
    response = caller.get(f"/clients/{client['id']}/reporting{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def check_in(caller, client, offset: int = 0, kind: str = "lapor_diri", key: str | None = None, **extra):
    headers = {"Idempotency-Key": key} if key else None
    return caller.post(f"/clients/{client['id']}/check-ins", {"date": day(offset), "kind": kind, **extra},
                       headers=headers)


def flagged_ids(caller, query: str = "attention=true") -> set[str]:
    response = caller.get(f"/clients?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return {c["id"] for c in response.get_json()["items"]}


def test_a_schedule_lists_its_due_dates_paged(officer):
    client = scheduled_client(officer, "monthly")
    first = reporting(officer, client, "?limit=2")
    assert (first["frequency"], first["version"], first["grace_days"]) == ("monthly", 1, 3)
    assert [d["status"] for d in first["items"]] == ["due", "due"] and first["items"][0]["date"] == day(1)
    second = reporting(officer, client, f"?limit=2&cursor={first['next_cursor']}")
    assert second["items"][0]["date"] > first["items"][1]["date"]
    assert officer.get(f"/clients/{client['id']}/reporting").headers["ETag"] == '"1"'


def test_bad_schedules_are_refused_and_change_nothing(officer, admin):
    client = scheduled_client(officer)
    for body in ({"frequency": "daily", "first_due": day(1)}, {"frequency": "weekly", "first_due": day(-1)},
                 {"frequency": "weekly", "first_due": "2031-01-01"}, {"frequency": "weekly"}):
        assert_problem(officer.open("PUT", f"/clients/{client['id']}/reporting", json=body), 422)
    stale = officer.open("PUT", f"/clients/{client['id']}/reporting", headers={"If-Match": '"7"'},
                         json={"frequency": "biweekly", "first_due": day(2)})
    assert_problem(stale, 412)
    assert reporting(officer, client)["version"] == 1
    ended = officer.created("/clients", client_body())
    admin.post(f"/clients/{ended['id']}/status", {"status": "completed", "reason": "selesai",
                                                   "effective_date": "2026-06-01"})
    refused = officer.open("PUT", f"/clients/{ended['id']}/reporting",
                           json={"frequency": "weekly", "first_due": day(1)})
    assert_problem(refused, 409)
    assert_problem(officer.open("PUT", f"/clients/{uuid.uuid4()}/reporting",
                                json={"frequency": "weekly", "first_due": day(1)}), 404)


def test_a_check_in_keeps_a_due_date_and_a_second_one_keeps_nothing_twice(officer, klien):
    client = scheduled_client(officer, first_due_in=0)
    first = check_in(officer, client, note="Datang tepat waktu")
    assert first.status_code == 201 and first.get_json()["kept_due"] == day(0)
    second = check_in(officer, client, kind="daring")
    assert second.status_code == 201 and second.get_json()["kept_due"] is None
    items = reporting(officer, client)["items"]
    assert items[0]["status"] == "kept" and items[0]["check_in"]["id"] == first.get_json()["id"]
    listed = officer.get(f"/clients/{client['id']}/check-ins").get_json()["items"]
    assert [c["kind"] for c in listed] == ["lapor_diri", "daring"] and listed[0]["note"] == "Datang tepat waktu"
    events = staged(klien.redis, "klien.checkin.recorded")
    assert [e["data"]["kept_due"] for e in events] == [day(0), None]
    assert all("note" not in e["data"] for e in events)


def test_check_ins_not_in_the_future_nor_before_supervision_nor_hostile(officer):
    client = scheduled_client(officer)
    assert "date" in assert_problem(check_in(officer, client, 1), 422)["errors"]
    before = officer.post(f"/clients/{client['id']}/check-ins", {"date": "2025-12-31", "kind": "daring"})
    assert "date" in assert_problem(before, 422)["errors"]
    for body in ({"date": day(0), "kind": "telepon"}, {"date": day(0), "kind": "daring", "note": "a\x00"},
                 {"date": day(0)}, [], {"date": day(0), "kind": "daring", "id": "x"}):
        assert officer.post(f"/clients/{client['id']}/check-ins", body).status_code in (400, 422)
    assert officer.get(f"/clients/{client['id']}/check-ins").get_json()["items"] == []


def test_a_retried_post_with_the_same_idempotency_key_is_recorded_once(officer, klien):
    client = scheduled_client(officer, first_due_in=0)
    first = check_in(officer, client, key="retry-1")
    again = check_in(officer, client, key="retry-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.get_json() == first.get_json() and again.headers["Idempotent-Replayed"] == "true"
    assert len(officer.get(f"/clients/{client['id']}/check-ins").get_json()["items"]) == 1
    assert len(staged(klien.redis, "klien.checkin.recorded")) == 1
    other = check_in(officer, client, kind="daring", key="retry-1")
    assert "Idempotency-Key" in assert_problem(other, 422)["errors"]
    assert_problem(check_in(officer, client, key="x" * 300), 422)


def test_concurrent_retries_with_one_key_record_one_check_in(officer, klien):
    client = scheduled_client(officer, first_due_in=0)
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: check_in(klien.as_("officer"), client, key="weak-signal"), range(8)))
    assert {a.status_code for a in answers} == {201}
    assert len({a.get_json()["id"] for a in answers}) == 1
    assert len(staged(klien.redis, "klien.checkin.recorded")) == 1


def test_the_same_key_from_another_officer_is_another_request(officer, klien):
    client = scheduled_client(officer, first_due_in=0)
    mine = check_in(officer, client, key="k")
    theirs = check_in(klien.as_("officer", "pk-other"), client, key="k")
    assert mine.get_json()["id"] != theirs.get_json()["id"]


def test_roles(klien, officer):
    client = scheduled_client(officer)
    auditor, partner = klien.as_("auditor"), klien.as_("partner")
    assert auditor.get(f"/clients/{client['id']}/reporting").status_code == 200
    assert_problem(check_in(auditor, client), 403)
    assert_problem(partner.get(f"/clients/{client['id']}/reporting"), 403)
    assert_problem(partner.get(f"/clients/{client['id']}/check-ins"), 403)


def test_three_missed_flag_the_client_which_shows_in_the_summary_and_the_list_until_cleared(officer, klien, redis_url):
    client = scheduled_client(officer)
    other = scheduled_client(officer)
    check_in(officer, other, 0)                              # early: keeps its first due date, misses two
    assert flagged_ids(officer) == set()
    clock.travel(days=1 + 14 + 3 + 1)                        # three weekly due dates, the last past its grace
    assert worker(redis_url).mark_missed_due() == 3 + 2
    summary = officer.get(f"/clients/{client['id']}").get_json()["reporting"]
    assert summary == {"frequency": "weekly", "next_due": day(-18 + 21), "kept": 0, "missed": 3, "run": 3,
                       "attention_required": True}
    assert flagged_ids(officer) == {client["id"]}
    assert client["id"] not in flagged_ids(officer, "attention=false")
    assert flagged_ids(officer, f"attention=true&q={client['register_number']}") == {client["id"]}
    [raised] = [e for e in staged(klien.redis, ATTENTION) if e["data"]["client_id"] == client["id"]]
    assert raised["data"]["due_dates"] == [day(-18), day(-11), day(-4)]

    check_in(officer, client, 0)                             # a kept report ends the run; the flag stays
    assert officer.get(f"/clients/{client['id']}").get_json()["reporting"]["run"] == 0
    assert client["id"] in flagged_ids(officer)
    cleared = officer.post(f"/clients/{client['id']}/attention/clear", {"note": "Sakit, surat dokter ada"})
    assert cleared.status_code == 200, cleared.get_data(as_text=True)
    assert cleared.get_json()["attention_log"][0]["note"] == "Sakit, surat dokter ada"
    assert client["id"] not in flagged_ids(officer)
    assert_problem(officer.post(f"/clients/{client['id']}/attention/clear", {"note": "lagi"}), 409)
    assert_problem(officer.post(f"/clients/{other['id']}/attention/clear", {"note": " "}), 422)
    audit = klien.redis.xrange("klien:audit")
    assert any(json.loads(f["entry"]).get("path") == f"/clients/{client['id']}/attention/clear" for _, f in audit)


def test_attention_list_covers_guidance_absences_and_follows_a_corrected_register_number(officer, klien):
    client = officer.created("/clients", client_body())
    enrollment = enrollment_data(client["id"], consecutive_absences=3, sessions_missed=3)
    klien.deliver("bimbingan.enrollment.attention_required", enrollment, 4)
    assert flagged_ids(officer) == {client["id"]}
    officer.patch(f"/clients/{client['id']}", {"register_number": "ZZ-9"})
    listed = officer.get("/clients?attention=true").get_json()["items"]
    assert [c["register_number"] for c in listed] == ["ZZ-9"]
    klien.deliver("bimbingan.attendance.recorded", {**enrollment, "consecutive_absences": 0, "sessions_attended": 1,
                                                    "session_id": str(uuid.uuid4()), "attendance": "present"}, 5)
    assert flagged_ids(officer) == set()


def test_a_wajib_lapor_flag_keeps_the_client_listed_through_corrections_and_guidance_news(officer, klien,
                                                                                         redis_url):
    client = scheduled_client(officer)
    clock.travel(days=1 + 14 + 3 + 1)
    worker(redis_url).mark_missed_due()
    assert flagged_ids(officer) == {client["id"]}
    corrected = officer.patch(f"/clients/{client['id']}", {"register_number": "ZZ-7", "officer_id": "pk-0099"})
    assert corrected.status_code == 200, corrected.get_data(as_text=True)
    assert [c["register_number"] for c in officer.get("/clients?attention=true").get_json()["items"]] == ["ZZ-7"]
    enrollment = enrollment_data(client["id"], consecutive_absences=3, sessions_missed=3)
    klien.deliver("bimbingan.enrollment.attention_required", enrollment, 4)
    klien.deliver("bimbingan.attendance.recorded", {**enrollment, "consecutive_absences": 0, "sessions_attended": 1,
                                                    "session_id": str(uuid.uuid4()), "attendance": "present"}, 5)
    assert flagged_ids(officer) == {client["id"]}                 # guidance calm again: wajib lapor still flags
    officer.post(f"/clients/{client['id']}/attention/clear", {"note": "Sudah dihubungi"})
    assert flagged_ids(officer) == set()


def test_the_export_holds_the_reporting_record_with_notes_and_every_check_in(redis_url):
    with FakeService({"/enrollments": {"items": [], "next_cursor": None}}) as bimbingan, FakeService({}) as pokmas:
        klien = ServiceApp("klien", redis_url, urls={"bimbingan": bimbingan.url, "pokmas": pokmas.url})
        client = scheduled_client(klien.as_("officer"), first_due_in=0)
        check_in(klien.as_("officer"), client, note="Membawa KTP")
        export = klien.as_("admin").get(f"/clients/{client['id']}/export").get_json()
    wajib_lapor = export["klien"]["reporting"]
    assert wajib_lapor["record"]["frequency"] == "weekly"
    assert [c["note"] for c in wajib_lapor["check_ins"]] == ["Membawa KTP"]
