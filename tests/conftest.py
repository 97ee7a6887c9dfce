"""Fixtures shared by every tier."""
import pytest

from tests.support import rabbitmq
from tests.support.redis_server import RedisServer

# The compose stack's fixtures (pytest-docker); pytest only takes pytest_plugins here, at the top.
pytest_plugins = ["tests.e2e.compose_stack"]


def pytest_addoption(parser):
    parser.addoption("--stack", choices=("local", "compose"), default="local",
                     help="run tests/e2e against local processes (default) or the docker compose stack")


@pytest.fixture(scope="session")
def redis_server():
    server = RedisServer().start()
    yield server
    server.cleanup()


@pytest.fixture
def redis_url(redis_server):
    """A clean Redis database for one test."""
    import redis
    redis.Redis.from_url(redis_server.url).flushall()
    return redis_server.url


@pytest.fixture(scope="session")
def rabbitmq_vhost():
    reason = rabbitmq.available()
    if reason:
        pytest.skip(reason)
    vhost = rabbitmq.Vhost().create()
    yield vhost
    vhost.delete()


@pytest.fixture(params=["redis", "amqp"])
def broker_url(request, redis_server):
    """Each backbone test runs over both transports: kombu's Redis transport and RabbitMQ."""
    if request.param == "redis":
        import redis
        redis.Redis.from_url(redis_server.db_url(1)).flushdb()
        return redis_server.db_url(1)
    vhost = request.getfixturevalue("rabbitmq_vhost")
    return vhost.url
