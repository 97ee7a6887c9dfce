"""What events lack, read from the owners over HTTP by the worker: group names, and the marks of an
enrollment whose older event was dropped after a newer one (out of order)."""
from dataclasses import replace

from services.laporan import app as laporan_app, sources
from shared import clock, redis_tx
from tests.support.klien_fakes import FakeService


def test_a_mark_lost_to_out_of_order_delivery_is_read_back_from_bimbingan(world, applier, report, settings):
    group = world.group()
    g = group["data"]["id"]
    program = world.new_program()
    world.agreement(g, [(program, "kemandirian")])
    client = world.client()
    s1, s2 = world.session(program, g), world.session(program, g, starts_at="2026-11-17T02:00:00.000Z")
    enrollment = world.enrollment(client["data"]["id"], program, g)
    first = world.mark(enrollment, s1["data"]["id"], "present")
    second = world.mark(first, s2["data"]["id"], "absent")
    for event in world.events:
        if event is not first:
            applier.apply(event)
    assert applier.apply(first) == "stale"              # older than what was applied: dropped
    assert report()["attendance"] == {"present": 0, "late": 0, "absent": 1, "excused": 0}
    e = enrollment["data"]["id"]
    assert applier.redis.smembers("laporan:marks:suspect") == {e}
    bimbingan = {f"/enrollments/{e}": {"id": e, "version": second["sequence"], "attendance": [
        {"session_id": s1["data"]["id"], "attendance": "present"},
        {"session_id": s2["data"]["id"], "attendance": "absent"}]}}
    with FakeService(bimbingan) as owner:
        owners = sources.Owners(replace(settings, urls={**settings.urls, "bimbingan": owner.url}))
        assert sources.repair_suspect_marks(applier.redis, owners, clock.zone()) == 1
        assert owner.seen[0][1].startswith("Bearer ")
    got = report()
    assert got["attendance"] == {"present": 1, "late": 0, "absent": 1, "excused": 0}
    assert got["groups"][0]["participants"] == 1 and got["groups"][0]["sessions_held"] == 2
    assert applier.redis.smembers("laporan:marks:suspect") == set()


def test_a_repair_waits_when_newer_events_were_applied_than_the_owner_answered(world, applier, settings):
    client = world.client()
    enrollment = world.enrollment(client["data"]["id"], world.new_program(), world.new_program())
    later = world.mark(enrollment, world.new_program(), "present")
    applier.apply(later)                                      # skipped sequence 1: suspect
    e = enrollment["data"]["id"]
    stale_answer = {f"/enrollments/{e}": {"id": e, "version": 1, "attendance": []}}
    with FakeService(stale_answer) as owner:
        owners = sources.Owners(replace(settings, urls={**settings.urls, "bimbingan": owner.url}))
        assert sources.repair_suspect_marks(applier.redis, owners, clock.zone()) == 0
    assert applier.redis.smembers("laporan:marks:suspect") == {e}
    assert applier.redis.hgetall(f"laporan:marks:{e}") == {later["data"]["session_id"]: "present"}


def test_group_names_come_from_pokmas_and_are_read_again_after_a_change(world, applier, report, settings):
    group = world.group()
    g = group["data"]["id"]
    program = world.new_program()
    world.agreement(g, [(program, "kepribadian")])
    client = world.client()
    session = world.session(program, g)
    world.mark(world.enrollment(client["data"]["id"], program, g), session["data"]["id"], "late")
    for event in world.events:
        applier.apply(event)
    assert report()["groups"][0]["name"] is None
    routes = {f"/groups/{g}": {"id": g, "name": "Pesantren Al-Hikmah"}}
    with FakeService(routes) as owner:
        owners = sources.Owners(replace(settings, urls={**settings.urls, "pokmas": owner.url}))
        assert sources.read_group_names(applier.redis, owners) == 1
        assert report()["groups"][0]["name"] == "Pesantren Al-Hikmah"
        assert sources.read_group_names(applier.redis, owners) == 0
        applier.apply(world.group(group_id=g, type_="pokmas.group.updated"))
        routes[f"/groups/{g}"]["name"] = "Pesantren Al-Hikmah Palembang"
        assert sources.read_group_names(applier.redis, owners) == 1
    assert report()["groups"][0]["name"] == "Pesantren Al-Hikmah Palembang"


def test_an_unreachable_owner_leaves_the_work_for_next_time(world, applier, settings):
    applier.apply(world.group())
    task = laporan_app._skipped_while_unreachable(
        lambda: sources.read_group_names(applier.redis, sources.Owners(settings, timeout=0.5)))
    assert task().startswith("skipped: cannot reach pokmas")
    assert redis_tx.connect(settings.redis_url).hlen("laporan:group-names:wanted") == 1
