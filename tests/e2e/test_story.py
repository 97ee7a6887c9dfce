"""The whole guidance story across the three running services: a group signs and activates an
agreement, clients register and enroll at once, attend, miss, complete, one is revoked, the
agreement is suspended; klien's guidance view and pokmas's utilization view end exactly right,
also with bimbingan's worker killed mid-way and with every event delivered twice. And the rules a PK
relies on: a cancelled session's marks stop counting, a transfer withdraws as client_moved, a status
set in error is undone."""
import pytest

from tests.support.bimbingan_story import Story, day as story_day, ok, processed, redeliver_everything
from tests.support.poll import eventually


def test_the_guidance_story_ends_with_exact_views(admin, tokens):
    story = Story.begin(admin, tokens)
    story.play()
    story.check_bimbingan()
    story.wait_for_exact_views()
    story.suspend()
    story.wait_for_exact_views()
    ani = admin.bimbingan.get(f"/enrollments/{story.enrollments['ani', 0]}").json()
    assert (ani["status"], ani["reason_code"]) == ("withdrawn", "agreement_ended")


def test_the_story_survives_a_killed_bimbingan_worker(stack, admin, tokens):
    if not hasattr(stack, "kill_worker"):
        pytest.skip("this stack cannot kill a single worker")
    story = Story.begin(admin, tokens)
    story.play(midway=lambda _: stack.kill_worker("bimbingan"),
               after_revocation=lambda _: stack.kill_worker("bimbingan"))
    story.check_bimbingan()
    story.wait_for_exact_views(timeout=60)


def test_the_views_stay_exact_when_every_event_is_delivered_twice(stack, admin, tokens):
    story = Story.begin(admin, tokens)
    story.play()
    story.wait_for_exact_views()
    events_before = len(story.bimbingan_events())
    services = {"klien": admin.klien, "pokmas": admin.pokmas, "bimbingan": admin.bimbingan}
    before = {name: processed(client, name) for name, client in services.items()}
    sent = redeliver_everything(stack)
    assert sent["bimbingan"] and sent["klien"] and sent["pokmas"]
    for name, client in services.items():
        eventually(lambda: processed(client, name) >= before[name] + sent[name], timeout=60, interval=0.2)
    assert story.views_are_exact()
    story.check_bimbingan()
    assert len(story.bimbingan_events()) == events_before


def test_a_cancelled_session_a_transfer_and_a_status_undone(admin, tokens):
    story = Story.begin(admin, tokens)
    story.enroll("ani", 0)
    story.enroll("budi", 0)
    story.schedule(3)
    for session in range(3):
        story.attend(session, {"ani": "absent"})
    ani = story.clients["ani"]

    def guidance(client_id):
        return ok(admin.klien.get(f"/clients/{client_id}"))["guidance"]

    eventually(lambda: guidance(ani)["attention_required"] == 1, timeout=20)
    ok(admin.bimbingan.post(f"/sessions/{story.sessions[2]}/cancel", json={"reason": "ustadz berhalangan"}))
    enrollment = ok(admin.bimbingan.get(f"/enrollments/{story.enrollments['ani', 0]}"))
    assert (enrollment["sessions_missed"], enrollment["attention_required"]) == (2, False)
    eventually(lambda: (guidance(ani)["attention_required"], guidance(ani)["sessions_missed"]) == (0, 2), timeout=20)

    budi = story.clients["budi"]
    ok(admin.klien.post(f"/clients/{budi}/status", json={"status": "transferred", "reason": "pindah ke Jambi",
                                                         "effective_date": story_day(-3)}))

    def moved():
        body = ok(admin.bimbingan.get(f"/enrollments/{story.enrollments['budi', 0]}"))
        return (body["status"], body["reason_code"], body["ended_on"]) == ("withdrawn", "client_moved", story_day(-3))

    eventually(moved, timeout=20)
    undone = ok(admin.klien.post(f"/clients/{budi}/status", json={"status": "active", "effective_date": story_day(-3),
                                                                  "reason": "transferred in error"}))
    assert undone["status"] == "active"
    again = admin.bimbingan.post("/enrollments", json={"client_id": budi, "program_id": story.programs[0]})
    assert again.status_code == 201, again.text
    assert ok(admin.bimbingan.get(f"/enrollments/{story.enrollments['budi', 0]}"))["status"] == "withdrawn"
