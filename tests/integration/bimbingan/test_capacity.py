"""Capacity holds under concurrent requests: the decision is made inside the WATCHed transaction."""
import threading

from tests.support.bimbingan_world import World


def race(world: World, program_id: str, client_ids: list[str]) -> list[int]:
    barrier, statuses = threading.Barrier(len(client_ids)), []

    def attempt(client_id):
        http = world.http("officer")
        barrier.wait()
        statuses.append(http.post("/enrollments", json={"client_id": client_id, "program_id": program_id})
                        .status_code)

    threads = [threading.Thread(target=attempt, args=(c,)) for c in client_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(statuses)


def test_two_requests_for_the_last_place_give_one_201_and_one_409(world):
    agreement = world.agreement(capacity=1)
    assert race(world, agreement["program_id"], [world.client(), world.client()]) == [201, 409]


def test_many_concurrent_requests_never_exceed_capacity(world):
    agreement = world.agreement(capacity=3)
    statuses = race(world, agreement["program_id"], [world.client() for _ in range(12)])
    assert statuses.count(201) == 3 and statuses.count(409) == 9
    listed = world.http("admin").get(f"/enrollments?program_id={agreement['program_id']}&status=enrolled").json
    assert len(listed["items"]) == 3


def test_the_same_client_racing_itself_gets_one_open_enrollment(world):
    agreement, client_id = world.agreement(capacity=5), world.client()
    assert race(world, agreement["program_id"], [client_id] * 4) == [201, 409, 409, 409]
