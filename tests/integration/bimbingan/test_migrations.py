"""`bapas migrate bimbingan` on list indexes an older version wrote (sort keys ended by "|"): a session
rescheduled since the upgrade showed twice, a withdrawn enrollment was still listed as enrolled. The
CLI is interrupted midway and resumed; then every list shows each record once, where it belongs, and
a second run changes nothing."""
from collections import Counter

from services.bimbingan import keys
from shared.pagination import filter_indexes, index_member
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
    assert resumed.returncode == 0 and "bimbingan: data version 4" in resumed.stdout, resumed.stdout + resumed.stderr

    assert listed(officer, "/sessions") == Counter(s["id"] for s in sessions)
    in_order = officer.get("/sessions", query_string={"program_id": programs[0]}).json["items"]
    assert [s["id"] for s in in_order] == [sessions[2]["id"], sessions[0]["id"]]        # 3 June, then 9 June
    assert listed(officer, "/enrollments") == Counter(e["id"] for e in enrollments)
    assert listed(officer, "/enrollments", status="enrolled") == Counter(e["id"] for e in enrollments[1:])
    assert listed(officer, "/enrollments", status="withdrawn") == Counter([enrollments[0]["id"]])
    assert listed(officer, "/enrollments", program_id=programs[1]) == Counter(e["id"] for e in enrollments[1::2])

    before = stored(world.redis)
    again = bapas_migrate(redis_url, "bimbingan")
    assert again.returncode == 0 and "data version 4, code expects 4" in again.stdout
    assert stored(world.redis) == before


def test_the_indexes_by_a_client_and_more_that_version_3_kept_are_deleted(world, officer, redis_url):
    program = world.agreement(capacity=10, programs=2)["programs"]
    client = world.client()
    enrollments = [officer.post("/enrollments", json={"client_id": client, "program_id": p["id"],
                                                      "start_date": "2026-06-01"}).json for p in program]
    assert officer.post(f"/enrollments/{enrollments[0]['id']}/withdraw",
                        json={"reason_code": "other"}).status_code == 200
    for enrollment in enrollments:   # what versions up to 3 wrote: an index per combination of the four filters
        record = officer.get(f"/enrollments/{enrollment['id']}").json
        for index in filter_indexes(keys.PREFIX, "enrollments", keys.ENROLLMENT_FILTERS, record):
            world.redis.zadd(index, {index_member(record["created_at"], record["id"]): 0})
    world.redis.set("bimbingan:data:version", 3)
    own = keys.enrollment_index({"client_id": client})
    older = set(world.redis.scan_iter("bimbingan:idx:enrollments:client_id=*")) - {own}
    assert len(older) == 2 * 7 - 1                      # client and group: the same index for both
    kept = stored(world.redis)

    migrated = bapas_migrate(redis_url, "bimbingan")
    assert migrated.returncode == 0 and "bimbingan: data version 4" in migrated.stdout, migrated.stdout
    assert "another filter deleted (read from the client's own index): 13 key(s)" in migrated.stdout
    assert world.redis.get("bimbingan:data:version") == "4"
    after = {k: v for k, v in stored(world.redis).items() if k != "bimbingan:data:version"}
    assert after == {k: v for k, v in kept.items() if k not in older and k != "bimbingan:data:version"}
    assert own in after
    listed = officer.get("/enrollments", query_string={"client_id": client, "status": "enrolled"}).json
    assert [e["id"] for e in listed["items"]] == [enrollments[1]["id"]]
