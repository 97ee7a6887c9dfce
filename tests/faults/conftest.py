"""Each fault drill gets a stack of its own (it is going to break it)."""
import pytest

from tests.support import rabbitmq
from tests.support.faults_proxy import TcpProxy
from tests.support.faults_stack import FaultStack
from tests.support.redis_server import RedisServer

DRILL_TIMEOUT_SECONDS = 180


def pytest_collection_modifyitems(items):
    """A drill that hangs fails after a bounded time instead of holding up `make test`."""
    for item in items:
        if "tests/faults/" in str(item.fspath):
            item.add_marker(pytest.mark.timeout(DRILL_TIMEOUT_SECONDS))


def _started(stack: FaultStack):
    try:
        stack.start()
    except Exception:
        stack.cleanup()
        raise
    return stack


@pytest.fixture
def local_stack():
    """`bapas run` with its embedded Redis (AOF, fsync always) as store and broker."""
    stack = _started(FaultStack())
    yield stack
    stack.cleanup()


@pytest.fixture
def own_redis():
    server = RedisServer().start()
    yield server
    server.cleanup()


@pytest.fixture
def stack_on_own_redis(own_redis):
    """The stack on a Redis the test can kill -9 and start again (store and broker)."""
    stack = _started(FaultStack(redis_server=own_redis))
    yield stack
    stack.cleanup()


@pytest.fixture
def broker_proxy():
    reason = rabbitmq.available()
    if reason:
        pytest.skip(reason)
    vhost = rabbitmq.Vhost().create()
    proxy = TcpProxy(5672)
    yield proxy, f"amqp://guest:guest@127.0.0.1:{proxy.port}/{vhost.name}"
    proxy.close()
    vhost.delete()


@pytest.fixture
def stack_behind_proxy(broker_proxy):
    """The stack on RabbitMQ, reached through a proxy the test can cut."""
    proxy, url = broker_proxy
    stack = _started(FaultStack(broker_url=url))
    yield stack, proxy
    stack.cleanup()
