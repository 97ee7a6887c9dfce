"""`bapas migrate laporan` on months an older version kept without a group's participant count (it
counted them on each report): the report read 0 until the migration set the count from the
per-client hash; the CLI is interrupted midway and resumed; the next client then counts on top, and
a second run changes nothing."""
import redis

from services.laporan import keys
from tests.support.migrate_cli import bapas_migrate, stored


def groups_with_participants(world, sizes: list[int]) -> list[str]:
    """One group per size, with that many clients present at one session in November 2026."""
    group_ids = []
    for size in sizes:
        group_id, program_id = world.group()["data"]["id"], world.new_program()
        world.agreement(group_id, [(program_id, "kemandirian")])
        session = world.session(program_id, group_id)["data"]["id"]
        for _ in range(size):
            client = world.client()["data"]["id"]
            world.mark(world.enrollment(client, program_id, group_id), session, "present")
        group_ids.append(group_id)
    return group_ids


def participants(report) -> dict:
    return {g["group_id"]: g["participants"] for g in report()["groups"]}


def test_an_interrupted_migration_counts_each_groups_participants(world, applier, report, redis_url):
    sizes = [1, 2, 3, 4, 5, 6, 7, 8]
    group_ids = groups_with_participants(world, sizes)
    for event in world.events:
        applier.apply(event)
    store = redis.Redis.from_url(redis_url, decode_responses=True)
    for group_id in group_ids:                      # as an older version kept the month
        store.hdel(keys.group_month(group_id, "2026-11"), "participants")
    assert set(participants(report).values()) == {0}

    stopped = bapas_migrate(redis_url, "laporan", "--batch", "3", "--max-batches", "2")
    assert stopped.returncode == 1 and "run it again to resume" in stopped.stdout, stopped.stdout + stopped.stderr
    resumed = bapas_migrate(redis_url, "laporan", "--batch", "3")
    assert resumed.returncode == 0 and "laporan: data version 1" in resumed.stdout, resumed.stdout + resumed.stderr
    assert participants(report) == dict(zip(group_ids, sizes))

    world.events.clear()                            # one more client in the first group counts on top
    first = group_ids[0]
    program_id, session_id = world.new_program(), world.session(world.new_program(), first)["data"]["id"]
    world.mark(world.enrollment(world.client()["data"]["id"], program_id, first), session_id, "present")
    for event in world.events:
        applier.apply(event)
    assert participants(report)[first] == 2

    before = stored(store)
    again = bapas_migrate(redis_url, "laporan")
    assert again.returncode == 0 and "data version 1, code expects 1" in again.stdout
    assert stored(store) == before
