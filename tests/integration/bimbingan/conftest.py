import pytest

from tests.support.bimbingan_world import World


@pytest.fixture
def world(redis_url):
    world = World(redis_url)
    yield world
    world.stop()


@pytest.fixture
def officer(world):
    return world.http("officer")


@pytest.fixture
def one_session(world, officer):
    """A scheduled session of a program with one open enrollment: (session, enrollment)."""
    agreement = world.agreement(capacity=5)
    enrollment = officer.post("/enrollments", json={"client_id": world.client(), "start_date": "2026-06-01",
                                                    "program_id": agreement["program_id"]}).json
    session = officer.post("/sessions", json={"program_id": agreement["program_id"],
                                              "starts_at": "2026-06-01T02:00:00Z", "topic": "Welding",
                                              "facilitator": "Pak Joko", "delivery": "in_person"}).json
    return session, enrollment
