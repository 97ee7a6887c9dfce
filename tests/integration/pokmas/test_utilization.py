"""The utilization view from bimbingan's enrollment events: exact under redelivery and out-of-order
arrival; the catalogue's open list follows it; distinct clients are counted per group."""
import json
import uuid

import pytest

from tests.support.client import headers
from tests.support.pokmas_api import enrollment_event, program_body
from tests.support.pokmas_flow import active_agreement, ok

TYPES = {"completed": "bimbingan.enrollment.completed", "withdrawn": "bimbingan.enrollment.withdrawn"}


@pytest.fixture
def program(http):
    agreement = active_agreement(http, programs=[program_body(capacity=2)])
    return {**agreement["programs"][0], "agreement_id": agreement["id"], "group_id": agreement["group_id"]}


def utilization(http, program) -> dict:
    return ok(http.get(f"/agreements/{program['agreement_id']}", headers=headers()))["programs"][0]["utilization"]


def enroll(program, **kwargs) -> dict:
    return enrollment_event(program["id"], program["group_id"], **kwargs)


def test_counts_follow_each_enrollments_newest_state(http, redis, applier, program):
    apply = applier.apply
    first, second, third = (enroll(program) for _ in range(3))
    for event in (first, second, third):
        apply(event)
    apply(enroll(program, enrollment_id=first["subject"], client_id=first["data"]["client_id"], sequence=2,
                 status="completed", type=TYPES["completed"]))
    apply(enroll(program, enrollment_id=second["subject"], client_id=second["data"]["client_id"], sequence=3,
                 status="withdrawn", type=TYPES["withdrawn"]))
    assert utilization(http, program) == {"enrolled": 3, "active": 1, "completed": 1, "withdrawn": 1}


def test_a_redelivered_event_changes_nothing(http, redis, applier, program):
    apply = applier.apply
    event = enroll(program)
    assert apply(event) == "applied"
    assert apply(event) == "duplicate"
    assert utilization(http, program) == {"enrolled": 1, "active": 1, "completed": 0, "withdrawn": 0}


def test_an_older_state_arriving_after_a_newer_one_is_ignored(http, redis, applier, program):
    apply = applier.apply
    created = enroll(program)
    withdrawn = enroll(program, enrollment_id=created["subject"], client_id=created["data"]["client_id"],
                       sequence=4, status="withdrawn", type=TYPES["withdrawn"])
    attended = enroll(program, enrollment_id=created["subject"], client_id=created["data"]["client_id"],
                      sequence=2, type="bimbingan.attendance.recorded")
    attended["data"].update(session_id=str(uuid.uuid4()), attendance="present")
    for event in (withdrawn, created, attended):
        apply(event)
    assert utilization(http, program) == {"enrolled": 1, "active": 0, "completed": 0, "withdrawn": 1}


def test_a_full_program_leaves_the_open_catalogue_and_returns_when_a_place_frees(http, redis, applier, program):
    apply = applier.apply

    def open_ids():
        return [p["id"] for p in ok(http.get("/programs?open=true", headers=headers()))["items"]]

    assert open_ids() == [program["id"]]
    first = enroll(program)
    apply(first)
    apply(enroll(program))
    assert open_ids() == []
    closed = ok(http.get("/programs?open=false", headers=headers()))["items"]
    assert [(p["id"], p["open"], p["utilization"]["active"]) for p in closed] == [(program["id"], False, 2)]
    apply(enroll(program, enrollment_id=first["subject"], client_id=first["data"]["client_id"], sequence=2,
                 status="completed", type=TYPES["completed"]))
    assert open_ids() == [program["id"]]


def test_growing_capacity_reopens_a_full_program(http, redis, applier, program):
    apply = applier.apply
    apply(enroll(program))
    apply(enroll(program))
    path = f"/agreements/{program['agreement_id']}/programs/{program['id']}"
    ok(http.patch(path, json={"capacity": 3}, headers=headers()))
    assert [p["id"] for p in ok(http.get("/programs?open=true", headers=headers()))["items"]] == [program["id"]]


def test_enrollments_for_a_program_pokmas_does_not_know_are_kept_without_harm(http, redis, applier):
    assert applier.apply(enrollment_event(str(uuid.uuid4()), str(uuid.uuid4()))) == "applied"


def test_malformed_enrollment_data_is_refused_so_it_goes_to_the_dead_letters(redis, applier, program):
    event = enroll(program)
    event["data"]["program_id"] = "pokmas:agreement:x"
    with pytest.raises(ValueError, match="data does not match"):
        applier.apply(event)
    assert redis.keys("pokmas:utilization:*") == []


def test_the_view_is_rebuilt_exactly_by_replaying_bimbingans_feed(http, redis, applier, program):
    apply = applier.apply
    first = enroll(program)
    feed = [first, enroll(program), enroll(program, enrollment_id=first["subject"], sequence=2,
                                             client_id=first["data"]["client_id"], status="completed",
                                             type=TYPES["completed"])]
    for event in feed:
        apply(event)
    expected = utilization(http, program)
    redis.delete(f"pokmas:utilization:{program['id']}")
    for event in feed + feed:
        apply(event, replay=True)
    assert utilization(http, program) == expected == {"enrolled": 2, "active": 1, "completed": 1, "withdrawn": 0}
    open_now = [p["id"] for p in ok(http.get("/programs?open=true", headers=headers()))["items"]]
    assert open_now == [program["id"]]


def kept_counts(redis, program) -> dict:
    return {name: int(value) for name, value in redis.hgetall(f"pokmas:utilization_counts:{program['id']}").items()}


def test_counts_are_kept_with_the_entries_and_a_replayed_event_counts_once(http, redis, applier, program):
    """An event re-applied past the inbox (a view rebuild) changes no count: each counts by the entry it
    replaces, in the same transaction."""
    created = enroll(program)
    completed = enroll(program, enrollment_id=created["subject"], client_id=created["data"]["client_id"], sequence=2,
                       status="completed", type=TYPES["completed"])
    for event in (created, enroll(program), completed):
        applier.apply(event)
    for event in (created, completed, completed):
        applier.apply(event, replay=True)
    assert kept_counts(redis, program) == {"enrolled": 2, "active": 1, "completed": 1, "withdrawn": 0}
    assert utilization(http, program) == kept_counts(redis, program)


def test_the_catalogue_reads_the_kept_counts_not_every_entry(http, redis, applier, program):
    for _ in range(2):
        applier.apply(enroll(program))
    # an entry changed behind the view's back (never done): the catalogue still answers the kept counts
    entries = f"pokmas:utilization:{program['id']}"
    some = redis.hkeys(entries)[0]
    redis.hset(entries, some, json.dumps({"status": "withdrawn", "client_id": str(uuid.uuid4())}))
    [listed] = ok(http.get("/programs", headers=headers()))["items"]
    assert listed["utilization"] == {"enrolled": 2, "active": 2, "completed": 0, "withdrawn": 0}


def test_counts_that_miss_entries_are_derived_from_them(http, redis, applier, program):
    """Data from before the counts were kept, or entries a rebuild is putting back: the entries decide."""
    for _ in range(3):
        applier.apply(enroll(program))
    redis.delete(f"pokmas:utilization_counts:{program['id']}")
    assert utilization(http, program) == {"enrolled": 3, "active": 3, "completed": 0, "withdrawn": 0}
    applier.apply(enroll(program))
    assert kept_counts(redis, program) == {"enrolled": 4, "active": 4, "completed": 0, "withdrawn": 0}
