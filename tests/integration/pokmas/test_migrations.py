"""`bapas migrate pokmas` on list indexes an older version wrote (sort keys ended by "|"): a group renamed
since the upgrade showed twice, an agreement activated since then was still listed as a draft. The CLI is
interrupted midway and resumed; then every list shows each record once, where it belongs, and a
second run changes nothing."""
import json
import time
from collections import Counter

from services.pokmas import domain, keys
from tests.support.client import headers
from tests.support.migrate_cli import as_older_indexes, bapas_migrate, bapas_migrate_started, stored
from tests.support.pokmas_api import agreement_body, enrollment_event, group_body, program_body
from tests.support.pokmas_flow import new_agreement, new_group, ok, transition


def listed(http, path: str, **filters) -> Counter:
    """How often each id appears over every page of a list."""
    seen, cursor = Counter(), None
    while True:
        page = ok(http.get(path, query_string={**filters, "limit": 3, **({"cursor": cursor} if cursor else {})},
                           headers=headers()))
        seen.update(item["id"] for item in page["items"])
        if not (cursor := page["next_cursor"]):
            return seen


def test_each_record_is_listed_once_where_it_belongs_after_an_interrupted_migration(http, redis, redis_url):
    groups = [new_group(http) for _ in range(6)]
    agreements = [new_agreement(http, group["id"]) for group in groups[:4]]
    ok(transition(http, agreements[0], "activate"))
    assert as_older_indexes(redis, "pokmas") > 30
    # Written again by the upgraded code, before the data was migrated:
    ok(http.patch(f"/groups/{groups[1]['id']}", json={"name": "Yayasan Baru Migrasi"}, headers=headers()))
    ok(transition(http, agreements[1], "activate"))
    assert listed(http, "/groups")[groups[1]["id"]] == 2
    assert agreements[1]["id"] in listed(http, "/agreements", status="draft")
    programs = [a["programs"][0]["id"] for a in agreements]
    assert agreements[1]["programs"][0]["id"] in listed(http, "/programs", open="false")

    stopped = bapas_migrate(redis_url, "pokmas", "--batch", "5", "--max-batches", "3")
    assert stopped.returncode == 1 and "run it again to resume" in stopped.stdout, stopped.stdout + stopped.stderr
    resumed = bapas_migrate(redis_url, "pokmas", "--batch", "5")
    assert resumed.returncode == 0 and "pokmas: data version 6" in resumed.stdout, resumed.stdout + resumed.stderr

    assert listed(http, "/groups") == Counter(g["id"] for g in groups)
    assert listed(http, "/agreements") == Counter(a["id"] for a in agreements)
    assert listed(http, "/agreements", status="active") == Counter(a["id"] for a in agreements[:2])
    assert listed(http, "/agreements", status="draft") == Counter(a["id"] for a in agreements[2:])
    assert listed(http, "/agreements", group_id=groups[3]["id"]) == Counter([agreements[3]["id"]])
    assert listed(http, "/programs") == Counter(programs)
    assert listed(http, "/programs", open="true") == Counter(a["programs"][0]["id"] for a in agreements[:2])
    assert listed(http, "/programs", open="false") == Counter(a["programs"][0]["id"] for a in agreements[2:])
    assert listed(http, "/groups", bapas_office="palembang") == Counter(g["id"] for g in groups)
    assert not [m for key in redis.scan_iter("pokmas:idx:*") if redis.type(key) == "zset"
                for m in redis.zrange(key, 0, -1) if "|" in m and "\0|" not in m]

    before = stored(redis)
    again = bapas_migrate(redis_url, "pokmas")
    assert again.returncode == 0 and "data version 6, code expects 6" in again.stdout
    assert stored(redis) == before


def test_after_a_rollback_wrote_to_migrated_data_migrating_again_from_0_repairs_the_lists(http, redis, redis_url):
    groups = [new_group(http) for _ in range(3)]
    agreements = [new_agreement(http, group["id"]) for group in groups]
    assert bapas_migrate(redis_url, "pokmas").returncode == 0
    # The release before the NUL sort key, rolled back to, activates a draft and renames a group:
    agreement = {**json.loads(redis.get(keys.agreement(agreements[0]["id"]))), "status": "active", "version": 2}
    redis.set(keys.agreement(agreement["id"]), json.dumps(agreement))
    for index in keys.agreement_indexes(agreement):
        redis.zadd(index, {f"{agreement['created_at']}|{agreement['id']}": 0})
    group = {**json.loads(redis.get(keys.group(groups[1]["id"]))), "name": "Yayasan Dinamai Ulang", "version": 2}
    redis.set(keys.group(group["id"]), json.dumps(group))
    for index in keys.group_indexes(group):
        redis.zadd(index, {f"{domain.name_key(group['name'])}|{group['id']}": 0})
    assert listed(http, "/groups")[group["id"]] == 2
    assert agreement["id"] in listed(http, "/agreements", status="draft")

    again = bapas_migrate(redis_url, "pokmas", "--from", "0")
    assert again.returncode == 0, again.stdout + again.stderr
    assert listed(http, "/groups") == Counter(g["id"] for g in groups)
    assert listed(http, "/agreements", status="draft") == Counter(a["id"] for a in agreements[1:])
    assert listed(http, "/agreements", status="active") == Counter([agreement["id"]])
    assert listed(http, "/agreements") == Counter(a["id"] for a in agreements)


def test_writes_made_while_the_migration_runs_are_kept_and_listed_once(pokmas, http, redis, redis_url):
    groups = [new_group(http) for _ in range(40)]
    agreements = [new_agreement(http, group["id"]) for group in groups]
    as_older_indexes(redis, "pokmas")
    running = bapas_migrate_started(redis_url, "pokmas", "--batch", "2")
    while running.poll() is None and not redis.exists("pokmas:data:migration:1:cursor"):
        time.sleep(0.01)
    writer, writes, names = pokmas.app.test_client(), 0, {g["id"]: g["name"] for g in groups}
    while running.poll() is None:                    # the service keeps writing until the migration ends
        group = groups[writes % len(groups)]
        names[group["id"]] = f"Yayasan Sambil {writes}"
        ok(writer.patch(f"/groups/{group['id']}", json={"name": names[group["id"]]}, headers=headers()))
        if writes < len(agreements):
            ok(transition(writer, agreements[writes], "activate"))
        writes += 1
    assert running.wait(timeout=120) == 0, running.stdout.read()
    assert writes > 0, "no write while it ran"
    activated = min(writes, len(agreements))
    assert listed(http, "/groups") == Counter(g["id"] for g in groups)
    assert listed(http, "/agreements", status="active") == Counter(a["id"] for a in agreements[:activated])
    assert listed(http, "/agreements", status="draft") == Counter(a["id"] for a in agreements[activated:])
    stored_names = ok(http.get("/groups", query_string={"limit": 100}, headers=headers()))["items"]
    assert {g["id"]: g["name"] for g in stored_names} == names


def test_each_programs_counts_are_kept_from_its_entries_by_migration_4(http, redis, redis_url, applier):
    """Data of version 3: entries, no counts kept. The migration keeps them, as the entries give them, for every
    program (one with no enrollment too); a second run changes nothing."""
    agreement = ok(transition(http, new_agreement(http, programs=[program_body(capacity=5), program_body()]),
                              "activate"))
    busy, idle = (program["id"] for program in agreement["programs"])
    first = enrollment_event(busy, agreement["group_id"])
    for event in (first, enrollment_event(busy, agreement["group_id"]),
                  enrollment_event(busy, agreement["group_id"], enrollment_id=first["subject"], sequence=2,
                                   client_id=first["data"]["client_id"], status="withdrawn",
                                   type="bimbingan.enrollment.withdrawn")):
        applier.apply(event)
    redis.delete(*[keys.utilization_counts(pid) for pid in (busy, idle)])
    redis.set("pokmas:data:version", 3)

    done = bapas_migrate(redis_url, "pokmas")
    assert done.returncode == 0 and "pokmas: data version 6" in done.stdout, done.stdout + done.stderr
    kept = {pid: {k: int(v) for k, v in redis.hgetall(keys.utilization_counts(pid)).items()} for pid in (busy, idle)}
    assert kept == {busy: {"enrolled": 2, "active": 1, "completed": 0, "withdrawn": 1},
                    idle: {"enrolled": 0, "active": 0, "completed": 0, "withdrawn": 0}}
    before = stored(redis)
    assert bapas_migrate(redis_url, "pokmas", "--from", "3").returncode == 0
    assert stored(redis) == before


def test_names_and_pks_numbers_of_version_4_data_stay_unique_after_migrations_5_and_6(http, redis, redis_url):
    """Data of version 4 kept group names and PKS numbers in one hash each: the migration gives each its own
    slot, so a taken name or number is still refused, and a name freed by a rename is free."""
    groups = [new_group(http) for _ in range(3)]
    agreement = new_agreement(http, groups[0]["id"])
    slots = [key for key in redis.scan_iter("pokmas:unique:*:*")]
    assert len(slots) == 4
    redis.delete(*slots)
    redis.hset(keys.LEGACY_GROUP_NAMES, mapping={domain.name_key(g["name"]): g["id"] for g in groups})
    redis.hset(keys.LEGACY_AGREEMENT_NUMBERS, domain.name_key(agreement["number"]), agreement["id"])
    redis.set("pokmas:data:version", 4)

    done = bapas_migrate(redis_url, "pokmas")
    assert done.returncode == 0 and "pokmas: data version 6" in done.stdout, done.stdout + done.stderr
    taken = http.post("/groups", json=group_body(name=groups[1]["name"].upper()), headers=headers())
    assert taken.status_code == 409
    assert groups[1]["id"] in taken.get_json()["detail"]
    again = http.post("/agreements", json=agreement_body(groups[2]["id"], number=agreement["number"]),
                      headers=headers())
    assert again.status_code == 409
    ok(http.patch(f"/groups/{groups[2]['id']}", json={"name": "Yayasan Nama Baru"}, headers=headers()))
    assert http.post("/groups", json=group_body(name=groups[2]["name"]),
                     headers=headers()).status_code == 201
    before = stored(redis)
    assert bapas_migrate(redis_url, "pokmas", "--from", "4").returncode == 0
    assert stored(redis) == before
