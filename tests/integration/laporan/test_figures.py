"""laporan's read model on real Redis through the backbone's Applier: exact figures whatever the order,
however often events arrive; months and offices attributed as the contract says."""
import random

import pytest

from services.laporan import handlers
from shared import clock, redis_tx
from shared.inbox import Applier
from tests.integration.laporan.conftest import bearer


def month_of_activity(world):
    """Palembang in November 2026: the figures this builds are written out in EXPECTED."""
    group = world.group()
    g = group["data"]["id"]
    p_kem, p_kep = world.new_program(), world.new_program()
    world.agreement(g, [(p_kem, "kemandirian"), (p_kep, "kepribadian")], valid_until="2026-12-20",
                    number="PKS-7/2026")
    old = world.client(kind="CB", start="2026-09-01")
    a = world.client(kind="PB", start="2026-11-03")
    b = world.client(kind="DIVERSI", start="2026-11-20")
    world.client(kind="PB", start="2026-12-02")                    # starts next month
    world.client(office="baturaja", kind="PB", start="2026-11-04")   # another office
    world.client(client_id=old["data"]["id"], kind="CB", start="2026-09-01", status="revoked",
                 effective="2026-11-15")
    s1 = world.session(p_kem, g, starts_at="2026-11-10T02:00:00.000Z")
    s2 = world.session(p_kem, g, starts_at="2026-11-30T18:30:00.000Z")  # 1 December 01:30 WIB
    s3 = world.session(p_kep, g, starts_at="2026-11-12T02:00:00.000Z")
    ea = world.enrollment(a["data"]["id"], p_kem, g, start="2026-11-05")
    eb = world.enrollment(b["data"]["id"], p_kep, g, start="2026-11-21")
    ea = world.mark(ea, s1["data"]["id"], "present")
    ea = world.mark(ea, s2["data"]["id"], "absent")
    eb = world.mark(eb, s3["data"]["id"], "late")
    eb = world.mark(eb, s3["data"]["id"], "excused")                 # a correction replaces the mark
    world.enrollment(a["data"]["id"], p_kem, g, start="2026-11-05", status="completed", ended_on="2026-11-28",
                     outcome="achieved", enrollment_id=ea["data"]["id"])
    return g


EXPECTED = {
    "clients": {"registered": 2, "active_at_end": 2, "ended": {"completed": 0, "revoked": 1, "transferred": 0},
                "by_supervision_type": {"PB": 1, "CB": 0, "CMB": 0, "ASIMILASI": 0, "PIDANA_BERSYARAT": 0,
                                        "DIVERSI": 1}},
    "enrollments": {"created": 2, "completed": 1, "withdrawn": 0, "active_at_end": 1},
    "attendance": {"present": 1, "late": 0, "absent": 0, "excused": 1},
    "reporting": {"kept": 0, "missed": 0},
}


def figures(report: dict) -> dict:
    return {k: report[k] for k in EXPECTED}


def test_a_month_in_order(world, applier, report):
    group_id = month_of_activity(world)
    for event in world.events:
        applier.apply(event)
    got = report()
    assert figures(got) == EXPECTED
    (group,) = got["groups"]
    assert group == {"group_id": group_id, "name": None, "sessions_held": 2, "participants": 1,
                     "attendance_rate": 1.0, "completed": 1,
                     "attendance": {"present": 1, "late": 0, "absent": 0, "excused": 1},
                     "outcomes": {"achieved": 1, "partially_achieved": 0, "not_achieved": 0}}
    assert got["by_guidance_type"]["kepribadian"]["attendance"]["excused"] == 1
    assert got["by_guidance_type"]["kemandirian"]["enrollments_completed"] == 1
    assert [a["number"] for a in got["agreements_expiring"]] == ["PKS-7/2026"]
    december = report(month="2026-12")
    assert december["clients"]["registered"] == 1 and december["clients"]["active_at_end"] == 3
    assert december["attendance"]["absent"] == 1   # the session of 1 December WIB
    assert report(office="baturaja")["clients"]["registered"] == 1


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_any_order_and_duplicates_give_the_same_figures(world, applier, report, seed):
    month_of_activity(world)
    shuffled = world.events * 2
    random.Random(seed).shuffle(shuffled)
    for event in shuffled:
        applier.apply(event)
    got = report()
    assert {k: got[k] for k in ("clients", "enrollments", "reporting")} == \
        {k: EXPECTED[k] for k in ("clients", "enrollments", "reporting")}
    # Attendance may lose a mark whose event came after a newer one of the same enrollment: that
    # enrollment is then suspect until its marks are read from bimbingan (see test_sources.py).
    suspect = applier.redis.smembers("laporan:marks:suspect")
    if not suspect:
        assert got["attendance"] == EXPECTED["attendance"]


def test_a_closed_month_does_not_change_when_its_events_come_again(world, applier, report):
    month_of_activity(world)
    for event in world.events:
        applier.apply(event)
    before = report()
    for event in reversed(world.events):
        applier.apply(event)
        applier.apply(event, replay=True)
    after = report()
    before.pop("produced_at"), after.pop("produced_at")
    assert after == before


def test_a_cancelled_session_stops_counting(world, applier, report):
    group = world.group()
    g = group["data"]["id"]
    program = world.new_program()
    world.agreement(g, [(program, "kemandirian")])
    client = world.client()
    session = world.session(program, g)
    enrollment = world.enrollment(client["data"]["id"], program, g)
    world.mark(enrollment, session["data"]["id"], "present")
    for event in world.events:
        applier.apply(event)
    assert report()["attendance"]["present"] == 1 and report()["groups"][0]["sessions_held"] == 1
    applier.apply(world.session(program, g, status="cancelled", session_id=session["data"]["id"],
                                type_="bimbingan.session.cancelled"))
    got = report()
    assert got["attendance"]["present"] == 0 and got["groups"] == [] and got["sessions_held"] == 0


def test_months_lists_what_it_holds_and_roles(world, applier, http):
    month_of_activity(world)
    for event in world.events:
        applier.apply(event)
    held = http.get("/reports/months", headers=bearer("officer")).get_json()["items"]
    assert {"bapas_office": "palembang", "month": "2026-11"} in held
    assert {"bapas_office": "baturaja", "month": "2026-11"} in held
    query = {"month": "2026-11", "bapas_office": "palembang"}
    for role, status in (("admin", 200), ("officer", 200), ("auditor", 200)):
        assert http.get("/reports/monthly", query_string=query, headers=bearer(role)).status_code == status
    partner = bearer("partner", group_id=world.new_program())
    assert http.get("/reports/monthly", query_string=query, headers=partner).status_code == 403
    assert http.get("/reports/months", headers=partner).status_code == 403
    assert http.get("/reports/monthly", query_string=query).status_code == 401


@pytest.mark.parametrize("query, field", [
    ({"month": "2026-13", "bapas_office": "palembang"}, "month"),
    ({"month": "2026-1", "bapas_office": "palembang"}, "month"),
    ({"month": "0000-01", "bapas_office": "palembang"}, "month"),
    ({"bapas_office": "palembang"}, "month"),
    ({"month": "2026-11"}, "bapas_office"),
    ({"month": "2026-11", "bapas_office": "pale\x1bmbang"}, "bapas_office"),
    ({"month": "2026-11", "bapas_office": "palembang\n"}, "bapas_office"),
    ({"month": "2026-11\n", "bapas_office": "palembang"}, "month"),
    ({"month": "2026-11", "bapas_office": "palembang", "format": "doc"}, "format"),
    ({"month": "2026-11", "bapas_office": "palembang", "office": "x"}, "office"),
])
def test_bad_queries_are_422_naming_the_parameter(http, query, field):
    response = http.get("/reports/monthly", query_string=query, headers=bearer())
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert field in str(response.get_json()["errors"])



def _contents(client) -> dict:
    """Every key's value but `transact`'s commit markers (a single event's transaction has one)."""
    read = {"string": client.get, "hash": client.hgetall, "set": client.smembers,
            "zset": lambda key: client.zrange(key, 0, -1, withscores=True)}
    return {key: read[client.type(key)](key) for key in client.keys("*") if not key.startswith("tx:committed:")}


def test_client_changes_batched_read_in_the_first_round_trip_and_count_as_applied_alone(world, applier, redis_url):
    """A client event's planned reads (its counted contributions, its dependents) go with the batch's one
    WATCH; a month whose clients change after their enrollments, applied in batches, leaves the store
    exactly as applied one event at a time."""
    batched = Applier(redis_tx.connect(redis_url.rsplit("/", 1)[0] + "/1"), service="laporan",
                      handlers=handlers.build(clock.zone()))
    watches = lambda: int(batched.redis.info("commandstats").get("cmdstat_watch", {}).get("calls", 0))  # noqa: E731
    registered = [world.client(kind="PB", start="2026-11-03") for _ in range(3)]
    before = watches()
    batched.apply_batch(registered)
    assert watches() - before == 1
    month_of_activity(world)
    enrolled = [e["data"]["client_id"] for e in world.events if e["type"] == "bimbingan.enrollment.created"]
    assert enrolled
    for client_id in enrolled:  # clients with dependents (their enrollments) change: recounted
        world.client(client_id=client_id, kind="PB", start="2026-11-03", status="revoked", effective="2026-11-25")
    for event in world.events:
        applier.apply(event)
    for start in range(len(registered), len(world.events), 7):
        batched.apply_batch(world.events[start:start + 7])
    assert _contents(batched.redis) == _contents(applier.redis)
