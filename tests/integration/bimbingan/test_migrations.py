"""`bapas migrate bimbingan` on list indexes an older version wrote (sort keys ended by "|"): a session
rescheduled since the upgrade showed twice, a withdrawn enrollment was still listed as enrolled. The
CLI is interrupted midway and resumed; then every list shows each record once, where it belongs, and
a second run changes nothing."""
from collections import Counter

from tests.support.migrate_cli import as_older_indexes, bapas_migrate, stored


def listed(officer, path: str, **filters) -> Counter:
    """How often each id appears over every page of a list."""
    seen, cursor = Counter(), None
    while True:
        response = officer.get(path, query_string={**filters, "limit": 3, **({"cursor": cursor} if cursor else {})})
        assert response.status_code == 200, response.json
        seen.update(item["id"] for item in response.json["items"])
        if not (cursor := response.json["next_cursor"]):
            return seen


def test_each_record_is_listed_once_where_it_belongs_after_an_interrupted_migration(world, officer, redis_url):
    programs = [world.agreement(capacity=10)["program_id"] for _ in range(2)]
    enrollments = [officer.post("/enrollments", json={"client_id": world.client(), "start_date": "2026-06-01",
                                                      "program_id": programs[n % 2]}).json for n in range(8)]
    sessions = [officer.post("/sessions", json={"program_id": programs[n % 2], "topic": "t", "facilitator": "f",
                                                "starts_at": f"2026-06-0{n + 1}T02:00:00Z", "delivery": "online"}).json
                for n in range(4)]
    assert as_older_indexes(world.redis, "bimbingan") > 50
    # Written again by the upgraded code, before the data was migrated:
    moved = officer.post(f"/sessions/{sessions[0]['id']}/reschedule",
                         json={"starts_at": "2026-06-09T02:00:00Z", "reason": "holiday"})
    assert moved.status_code == 200, moved.json
    withdrawn = officer.post(f"/enrollments/{enrollments[0]['id']}/withdraw", json={"reason_code": "other"})
    assert withdrawn.status_code == 200, withdrawn.json
    assert listed(officer, "/sessions")[sessions[0]["id"]] == 2
    assert enrollments[0]["id"] in listed(officer, "/enrollments", status="enrolled")

    stopped = bapas_migrate(redis_url, "bimbingan", "--batch", "5", "--max-batches", "3")
    assert stopped.returncode == 1 and "run it again to resume" in stopped.stdout, stopped.stdout + stopped.stderr
    resumed = bapas_migrate(redis_url, "bimbingan", "--batch", "5")
    assert resumed.returncode == 0 and "bimbingan: data version 3" in resumed.stdout, resumed.stdout + resumed.stderr

    assert listed(officer, "/sessions") == Counter(s["id"] for s in sessions)
    in_order = officer.get("/sessions", query_string={"program_id": programs[0]}).json["items"]
    assert [s["id"] for s in in_order] == [sessions[2]["id"], sessions[0]["id"]]        # 3 June, then 9 June
    assert listed(officer, "/enrollments") == Counter(e["id"] for e in enrollments)
    assert listed(officer, "/enrollments", status="enrolled") == Counter(e["id"] for e in enrollments[1:])
    assert listed(officer, "/enrollments", status="withdrawn") == Counter([enrollments[0]["id"]])
    assert listed(officer, "/enrollments", program_id=programs[1]) == Counter(e["id"] for e in enrollments[1::2])

    before = stored(world.redis)
    again = bapas_migrate(redis_url, "bimbingan")
    assert again.returncode == 0 and "data version 3, code expects 3" in again.stdout
    assert stored(world.redis) == before
