"""The real Applier and laporan's handlers on an in-memory store: duplicates and late events never
count twice; the counters always equal a count over the entries."""
import random
from zoneinfo import ZoneInfo

from services.laporan import handlers
from shared.inbox import Applier
from tests.support.laporan_fakes import FakeRedis
from tests.support.laporan_world import World


def applier() -> Applier:
    return Applier(FakeRedis(), service="laporan", handlers=handlers.build(ZoneInfo("Asia/Jakarta")))


def activity(world: World) -> None:
    g = world.group()["data"]["id"]
    program = world.new_program()
    world.agreement(g, [(program, "kemandirian")])
    clients = [world.client(start=f"2026-1{i % 2}-0{i + 1}") for i in range(4)]
    sessions = [world.session(program, g, starts_at=f"2026-11-0{i + 1}T03:00:00.000Z") for i in range(3)]
    for client in clients:
        enrollment = world.enrollment(client["data"]["id"], program, g)
        for session, mark in zip(sessions, ("present", "absent", "late")):
            enrollment = world.mark(enrollment, session["data"]["id"], mark)
    world.client(client_id=clients[0]["data"]["id"], start="2026-10-01", status="completed",
                 effective="2026-11-20")


def test_every_event_twice_counts_once():
    world = World()
    activity(world)
    once, twice = applier(), applier()
    for event in world.events:
        once.apply(event)
        twice.apply(event)
        assert twice.apply(event) == "duplicate"
    assert once.redis.counters() == twice.redis.counters() != {}


def test_late_deliveries_of_client_and_group_facts_change_nothing_once_newer_were_applied():
    world = World()
    activity(world)
    in_order = applier()
    for event in world.events:
        in_order.apply(event)
    shuffled = applier()
    events = list(world.events)
    random.Random(7).shuffle(events)
    for event in events:
        shuffled.apply(event)
    # Marks may wait for bimbingan's answer (suspect enrollments); everything else is already equal.
    suspect = shuffled.redis.smembers("laporan:marks:suspect")
    keep = lambda counters: {k: v for k, v in counters.items() if "attendance" not in k[1]}  # noqa: E731
    assert keep(shuffled.redis.counters()) == keep(in_order.redis.counters())
    if not suspect:
        assert shuffled.redis.counters() == in_order.redis.counters()


def test_a_replay_of_everything_changes_nothing():
    world = World()
    activity(world)
    target = applier()
    for event in world.events:
        target.apply(event)
    before = target.redis.counters()
    for event in world.events:
        target.apply(event, replay=True)
    assert target.redis.counters() == before
