"""Lists and their filters, and a partner confined to its own group."""
import pytest

from services.bimbingan.repository import enrollments as enrollments_repository
from shared.pagination import encode_cursor, index_member, member_id
from tests.support.bimbingan_world import new_id


@pytest.fixture
def two_groups(world, officer):
    groups = []
    for _ in range(2):
        agreement = world.agreement(capacity=10)
        enrollments = [officer.post("/enrollments", json={"client_id": world.client(), "note": "PK's own note",
                                                          "program_id": agreement["program_id"],
                                                          "start_date": "2026-06-01"}).json
                       for _ in range(3)]
        session = officer.post("/sessions", json={"program_id": agreement["program_id"],
                                                  "starts_at": "2026-06-01T02:00:00Z", "topic": "t",
                                                  "facilitator": "f", "delivery": "online"}).json
        groups.append({**agreement, "enrollments": enrollments, "session": session})
    return groups


def test_enrollments_filter_by_client_program_and_status_across_pages(world, officer, two_groups):
    mine = two_groups[0]
    officer.post(f"/enrollments/{mine['enrollments'][0]['id']}/withdraw", json={"reason_code": "other"})
    listed = officer.get(f"/enrollments?program_id={mine['program_id']}&status=enrolled&limit=1").json
    ids = [listed["items"][0]["id"]]
    listed = officer.get(f"/enrollments?program_id={mine['program_id']}&status=enrolled&limit=1"
                         f"&cursor={listed['next_cursor']}").json
    ids.append(listed["items"][0]["id"])
    assert listed["next_cursor"] is None
    assert sorted(ids) == sorted(e["id"] for e in mine["enrollments"][1:])
    by_client = officer.get(f"/enrollments?client_id={mine['enrollments'][0]['client_id']}").json["items"]
    assert [(e["id"], e["status"]) for e in by_client] == [(mine["enrollments"][0]["id"], "withdrawn")]
    assert len(officer.get("/enrollments?status=enrolled").json["items"]) == 5
    assert officer.get("/enrollments?status=lost").status_code == 422
    assert officer.get("/enrollments?cursor=bogus").status_code == 422


def test_a_partner_sees_and_marks_only_its_own_groups_records(world, two_groups):
    mine, theirs = two_groups
    partner = world.http("partner", group_id=mine["group_id"], sub="partner-1")
    listed = partner.get("/enrollments").json["items"]
    assert sorted(e["id"] for e in listed) == sorted(e["id"] for e in mine["enrollments"])
    assert partner.get(f"/enrollments?program_id={theirs['program_id']}").json["items"] == []
    assert [s["id"] for s in partner.get("/sessions").json["items"]] == [mine["session"]["id"]]
    own_enrollment = partner.get(f"/enrollments/{mine['enrollments'][0]['id']}")
    assert own_enrollment.status_code == 200 and "note" not in own_enrollment.json
    assert all("note" not in e for e in listed)
    assert world.http("officer").get(f"/enrollments/{mine['enrollments'][0]['id']}").json["note"] == "PK's own note"
    assert partner.get(f"/enrollments/{theirs['enrollments'][0]['id']}").status_code == 403
    assert partner.get(f"/sessions/{theirs['session']['id']}").status_code == 403
    own = partner.post(f"/sessions/{mine['session']['id']}/attendance",
                       json={"records": [{"enrollment_id": mine["enrollments"][0]["id"], "attendance": "present"}]})
    assert own.status_code == 200 and own.json["enrollments"][0]["sessions_attended"] == 1
    other = partner.post(f"/sessions/{theirs['session']['id']}/attendance",
                         json={"records": [{"enrollment_id": theirs["enrollments"][0]["id"],
                                            "attendance": "present"}]})
    assert other.status_code == 403
    assert world.http("admin").get(f"/enrollments/{theirs['enrollments'][0]['id']}").json["sessions_attended"] == 0


def test_a_partner_and_an_auditor_change_nothing_else(world, two_groups):
    mine = two_groups[0]
    enrollment = mine["enrollments"][0]
    for http in (world.http("partner", group_id=mine["group_id"]), world.http("auditor")):
        assert http.post("/enrollments", json={"client_id": world.client(),
                                               "program_id": mine["program_id"]}).status_code == 403
        assert http.post(f"/enrollments/{enrollment['id']}/withdraw",
                         json={"reason_code": "other"}).status_code == 403
        assert http.post("/sessions", json={"program_id": mine["program_id"], "starts_at": "2026-12-01T02:00:00Z",
                                            "topic": "t", "facilitator": "f", "delivery": "online"}).status_code == 403
    assert world.http("auditor").get(f"/enrollments/{enrollment['id']}").status_code == 200
    assert world.http("auditor").post(f"/sessions/{mine['session']['id']}/attendance", json={"records": [
        {"enrollment_id": enrollment["id"], "attendance": "absent"}]}).status_code == 403


def test_unknown_ids_are_404(world, officer):
    assert officer.get(f"/enrollments/{new_id()}").status_code == 404
    assert officer.get(f"/sessions/{new_id()}").status_code == 404
    assert officer.post(f"/enrollments/{new_id()}/complete",
                        json={"outcome": "achieved", "summary": "x"}).status_code == 404


def test_a_query_parameter_a_list_does_not_know_is_422_naming_it(officer):
    for path in ("/sessions?since=2026-12-01", "/enrollments?client=x"):
        response = officer.get(path)
        assert response.status_code == 422 and list(response.json["errors"]) == [path.split("?")[1].split("=")[0]]


def index_pages(records: list[dict], filters: dict, limit: int) -> list[tuple[list[str], str | None]]:
    """(ids, next_cursor) of each page a sorted-set index of the enrollments matching `filters` gives
    (shared.pagination.lex_page: members "<created_at>\\0|<id>" in order, a cursor after each full page
    that has a successor)."""
    members = sorted(index_member(r["created_at"], r["id"]) for r in records
                     if all(r[name] == value for name, value in filters.items()))
    chunks = [members[start:start + limit] for start in range(0, len(members), limit)] or [[]]
    return [([member_id(m) for m in chunk], encode_cursor(chunk[-1]) if n + 1 < len(chunks) else None)
            for n, chunk in enumerate(chunks)]


@pytest.mark.parametrize("read", [100, 1])
def test_lists_by_a_client_and_more_give_the_pages_and_cursors_an_index_would(world, officer, monkeypatch, read):
    """Such lists have no index of their own (keys.enrollment_indexes): the client's own index, its
    enrollments filtered in memory, must answer exactly as an index by those filters did (also when the
    client's enrollments are read a few at a time)."""
    monkeypatch.setattr(enrollments_repository, "CLIENT_READ", read)
    agreements = [world.agreement(capacity=10, programs=3) for _ in range(2)]
    programs = [(p["id"], a["group_id"]) for a in agreements for p in a["programs"]]
    client, other = world.client(), world.client()
    enrolled = [officer.post("/enrollments", json={"client_id": who, "program_id": program,
                                                   "start_date": "2026-06-01"}).json
                for program, _ in programs for who in (client, other)]
    for enrollment in enrolled[0:4:2] + enrolled[6:8]:
        assert officer.post(f"/enrollments/{enrollment['id']}/withdraw",
                            json={"reason_code": "other"}).status_code == 200
    again = officer.post("/enrollments", json={"client_id": client, "program_id": programs[0][0]})
    assert again.status_code == 201, again.json
    records = [officer.get(f"/enrollments/{e['id']}").json for e in [*enrolled, again.json]]
    cases = [({"client_id": client}, officer, None), ({"client_id": client, "status": "enrolled"}, officer, None),
             ({"client_id": client, "status": "withdrawn"}, officer, None),
             ({"client_id": client, "program_id": programs[0][0]}, officer, None),
             ({"client_id": client, "program_id": programs[0][0], "status": "withdrawn"}, officer, None),
             ({"client_id": client, "program_id": programs[4][0], "status": "completed"}, officer, None),
             ({"client_id": other, "status": "enrolled"}, world.http("admin"), None)]
    for group_id in {g for _, g in programs}:
        partner = world.http("partner", group_id=group_id, sub="partner-1")
        cases += [({"client_id": client}, partner, group_id),
                  ({"client_id": client, "status": "enrolled"}, partner, group_id)]
    for filters, http, group_id in cases:
        expected = {**filters, **({"group_id": group_id} if group_id else {})}
        for limit in (1, 2, 3, 50):
            pages, cursor = [], None
            while True:
                answer = http.get("/enrollments", query_string={**filters, "limit": limit,
                                                                **({"cursor": cursor} if cursor else {})})
                assert answer.status_code == 200, answer.json
                pages.append(([e["id"] for e in answer.json["items"]], answer.json["next_cursor"]))
                if not (cursor := answer.json["next_cursor"]):
                    break
            assert pages == index_pages(records, expected, limit), (filters, limit)
