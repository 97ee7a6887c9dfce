"""bimbingan's replicas rebuilt from klien's and pokmas's feeds (`bapas rebuild-views bimbingan`)."""
from services.bimbingan import keys
from services.bimbingan.app import SERVICE
from shared.commands.rebuild_views import rebuild


def test_lost_replicas_come_back_from_the_feeds_without_withdrawing_anything_twice(world, officer):
    agreement, leaving, staying = world.agreement(capacity=3), world.client(), world.client()
    for client_id in (leaving, staying):
        officer.post("/enrollments", json={"client_id": client_id, "program_id": agreement["program_id"]})
    world.set_client_status(leaving, "revoked")
    events_before = len(world.outbox())
    lost = [keys.client(leaving), keys.client(staying), keys.program(agreement["program_id"])]
    world.redis.delete(*lost, *world.redis.keys("bimbingan:applied:*"), *world.redis.keys("bimbingan:inbox:*"))

    counts = rebuild(world.app.extensions["bapas"], SERVICE)

    assert counts["klien"] == 3 and counts["pokmas"] == 1
    assert world.redis.exists(*lost) == 3
    assert len(world.outbox()) == events_before
    refused = officer.post("/enrollments", json={"client_id": leaving, "program_id": agreement["program_id"]})
    assert refused.status_code == 409 and "revoked" in refused.json["detail"]
    listed = officer.get(f"/enrollments?program_id={agreement['program_id']}&status=enrolled").json["items"]
    assert [e["client_id"] for e in listed] == [staying]
