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
