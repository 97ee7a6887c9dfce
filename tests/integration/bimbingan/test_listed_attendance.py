"""GET /enrollments with `id` (only those enrollments) and `attendance` (each with its marks; attendance_from and
attendance_flagged keep some of them): the PK home reads its caseload's flagged feedback in a call per 50
enrollments instead of one per enrollment."""
import pytest

from services.bimbingan.schemas import MAX_LISTED_IDS
from tests.support.bimbingan_world import new_id


@pytest.fixture
def marked(world, officer):
    """Three enrollments of one program; two sessions (June, July); e0 marked in both (flagged in June), e1 in
    June, e2 never. Returns (enrollments, agreement)."""
    agreement = world.agreement(capacity=10)
    enrollments = [officer.post("/enrollments", json={"client_id": world.client(), "start_date": "2026-06-01",
                                                      "program_id": agreement["program_id"]}).json
                   for _ in range(3)]
    june, july = (officer.post("/sessions", json={"program_id": agreement["program_id"], "starts_at": starts_at,
                                                  "topic": "t", "facilitator": "f", "delivery": "online"}).json
                  for starts_at in ("2026-06-01T02:00:00Z", "2026-07-01T02:00:00Z"))
    assert officer.post(f"/sessions/{june['id']}/attendance", json={"records": [
        {"enrollment_id": enrollments[0]["id"], "attendance": "late", "behaviour_note": "Gelisah",
         "pk_should_know": True},
        {"enrollment_id": enrollments[1]["id"], "attendance": "present"}]}).status_code == 200
    assert officer.post(f"/sessions/{july['id']}/attendance", json={"records": [
        {"enrollment_id": enrollments[0]["id"], "attendance": "absent"}]}).status_code == 200
    return enrollments, agreement


def _ids(items: list) -> list:
    return [e["id"] for e in items]


def test_enrollments_are_listed_by_id_oldest_first_without_attendance_unless_asked(officer, marked):
    e0, _e1, e2 = marked[0]
    listed = officer.get("/enrollments", query_string={"id": [e2["id"], new_id(), e0["id"], e0["id"]]}).json
    assert _ids(listed["items"]) == [e0["id"], e2["id"]] and listed["next_cursor"] is None
    assert all("attendance" not in e for e in listed["items"])


def test_each_listed_enrollment_carries_its_attendance_as_get_by_id_does(officer, marked):
    enrollments = marked[0]
    listed = officer.get("/enrollments", query_string={"id": [e["id"] for e in enrollments],
                                                       "attendance": "true"}).json["items"]
    assert _ids(listed) == [e["id"] for e in enrollments]
    for item in listed:
        assert item == officer.get(f"/enrollments/{item['id']}").json
    assert [len(e["attendance"]) for e in listed] == [2, 1, 0]
    assert listed[0]["attendance"][0]["pk_should_know"] is True and listed[0]["attendance"][0]["behaviour_note"] == \
        "Gelisah"


def test_attendance_from_keeps_the_marks_of_sessions_from_that_day_and_implies_attendance(officer, marked):
    e0, e1, _e2 = marked[0]
    listed = officer.get("/enrollments", query_string={"id": [e0["id"], e1["id"]],
                                                       "attendance_from": "2026-06-15"}).json["items"]
    assert [[m["attendance"] for m in e["attendance"]] for e in listed] == [["absent"], []]
    # the day is BAPAS_TIMEZONE's: a 09:00 WIB session (02:00 UTC) is on 1 June
    on_the_day = officer.get("/enrollments", query_string={"id": e0["id"], "attendance_from": "2026-06-01"}).json
    assert len(on_the_day["items"][0]["attendance"]) == 2


def test_attendance_flagged_keeps_the_marks_flagged_for_the_pk_and_every_enrollment(officer, marked):
    enrollments = marked[0]
    listed = officer.get("/enrollments", query_string={"id": [e["id"] for e in enrollments],
                                                       "attendance_flagged": "true"}).json["items"]
    assert [[m["behaviour_note"] for m in e["attendance"]] for e in listed] == [["Gelisah"], [], []]
    after_june = officer.get("/enrollments", query_string={"id": enrollments[0]["id"], "attendance_flagged": "true",
                                                           "attendance_from": "2026-06-02"}).json["items"]
    assert after_june[0]["attendance"] == []


def test_the_other_filters_and_the_pages_hold_with_ids(officer, marked):
    enrollments, agreement = marked
    ids = [e["id"] for e in enrollments]
    officer.post(f"/enrollments/{ids[1]}/withdraw", json={"reason_code": "other"})
    open_ones = officer.get("/enrollments", query_string={"id": ids, "status": "enrolled"}).json["items"]
    assert _ids(open_ones) == [ids[0], ids[2]]
    assert officer.get("/enrollments", query_string={"id": ids, "program_id": new_id()}).json["items"] == []
    first = officer.get("/enrollments", query_string={"id": ids, "limit": 2, "attendance": "true"}).json
    rest = officer.get("/enrollments", query_string={"id": ids, "limit": 2, "attendance": "true",
                                                     "cursor": first["next_cursor"]}).json
    assert _ids(first["items"]) + _ids(rest["items"]) == ids and rest["next_cursor"] is None
    # without ids, attendance comes with any list
    by_program = officer.get("/enrollments", query_string={"program_id": agreement["program_id"],
                                                           "attendance": "true"}).json["items"]
    assert [len(e["attendance"]) for e in by_program] == [2, 1, 0]


def test_a_partner_gets_only_its_groups_enrollments_by_id(world, marked):
    e0 = marked[0][0]
    mine = world.http("partner", group_id=e0["group_id"], sub="mitra-1")
    other = world.http("partner", group_id=new_id(), sub="mitra-2")
    shown = mine.get("/enrollments", query_string={"id": e0["id"], "attendance": "true"}).json["items"]
    assert _ids(shown) == [e0["id"]] and "note" not in shown[0] and len(shown[0]["attendance"]) == 2
    assert other.get("/enrollments", query_string={"id": e0["id"], "attendance": "true"}).json["items"] == []


@pytest.mark.parametrize("query", [{"id": "not-a-uuid"}, {"id": [new_id() for _ in range(MAX_LISTED_IDS + 1)]},
                                   {"attendance": "maybe"}, {"attendance_from": "2026-13-01"},
                                   {"attendance_flagged": "maybe"}])
def test_what_is_not_a_list_of_ids_or_a_day_is_422_naming_it(officer, query):
    answer = officer.get("/enrollments", query_string=query)
    assert answer.status_code == 422
    assert [name for name in answer.json["errors"] if name.split(".")[0] in query]   # "id.0": the first id


def test_the_openapi_document_lists_the_new_parameters(world):
    """The portal sends them only when bimbingan's own document lists them (a filter ignored would list all)."""
    document = world.app.test_client().get("/openapi.json").get_json()
    parameters = {p["name"]: p for p in document["paths"]["/enrollments"]["get"]["parameters"]}
    assert {"id", "attendance", "attendance_from", "attendance_flagged"} <= set(parameters)
    assert parameters["id"]["schema"]["type"] == "array" and parameters["id"]["schema"]["maxItems"] == MAX_LISTED_IDS
    assert "client_id" in parameters and "status" in parameters                       # the contract's filters stay
