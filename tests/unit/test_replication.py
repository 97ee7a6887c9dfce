"""The replication policy (WAIT after a commit) and the Sentinel settings, without a Redis."""
import pytest

from shared import replication, sentinel
from shared.consumer import EventConsumer
from shared.config import load_settings
from shared.errors import Unavailable


class Pipe:
    def __init__(self, acknowledged: int, sent: list):
        self.acknowledged, self.sent = acknowledged, sent

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def incr(self, key):
        self.sent.append(("INCR", key))

    def wait(self, replicas, timeout):
        self.sent.append(("WAIT", replicas, timeout))

    def execute(self):
        return [1, self.acknowledged]


class Client:
    def __init__(self, acknowledged: int):
        self.acknowledged, self.sent = acknowledged, []

    def pipeline(self, transaction):
        assert transaction is False  # one connection, no MULTI: WAIT may not run inside a transaction
        return Pipe(self.acknowledged, self.sent)


def test_off_by_default_sends_nothing():
    client = replication.require(Client(0), replication.Policy())
    replication.confirm(client)
    assert client.sent == []


def test_a_client_without_a_policy_sends_nothing():
    client = Client(0)
    replication.confirm(client)
    assert client.sent == []


def test_the_wait_follows_a_write_of_its_own_on_the_same_connection():
    client = replication.require(Client(1), replication.Policy(1, 250))
    replication.confirm(client)
    assert client.sent == [("INCR", replication.PROBE_KEY), ("WAIT", 1, 250)]


def test_fewer_replicas_than_required_is_a_503_that_says_the_write_may_exist():
    client = replication.require(Client(1), replication.Policy(2, 250))
    with pytest.raises(replication.NotReplicated) as raised:
        replication.confirm(client)
    assert isinstance(raised.value, Unavailable) and raised.value.status == 503
    assert "may exist" in raised.value.detail and "1 of 2" in raised.value.detail
    assert raised.value.headers["Retry-After"]


def test_sentinel_addresses_take_the_default_port():
    assert sentinel.addresses("a:1, b ,") == [("a", 1), ("b", 26379)]
    with pytest.raises(SystemExit):
        sentinel.addresses("a:x")


def test_without_broker_url_the_broker_goes_through_the_same_sentinels(monkeypatch):
    monkeypatch.delenv("BROKER_URL", raising=False)
    monkeypatch.setenv("REDIS_URL", "redis://:p@ss@ignored:6379/3")
    monkeypatch.setenv("BAPAS_REDIS_SENTINELS", "s1:26379,s2:26380")
    monkeypatch.setenv("BAPAS_REDIS_SENTINEL_MASTER", "bapas")
    monkeypatch.setenv("BAPAS_REDIS_MIN_REPLICAS", "1")
    settings = load_settings()
    assert settings.broker_url == "sentinel://:p%40ss@s1:26379/3;sentinel://:p%40ss@s2:26380/3"
    assert settings.redis_min_replicas == 1 and settings.redis_wait_timeout_ms == 1000
    assert sentinel.kombu_options(settings) == {"master_name": "bapas"}


def test_sentinels_without_a_master_name_stop_the_process(monkeypatch):
    monkeypatch.setenv("BAPAS_REDIS_SENTINELS", "s1:26379")
    monkeypatch.delenv("BAPAS_REDIS_SENTINEL_MASTER", raising=False)
    with pytest.raises(SystemExit):
        sentinel.kombu_options(load_settings())


class Message:
    def __init__(self):
        self.outcome = None

    def ack(self):
        self.outcome = "acked"

    def requeue(self):
        self.outcome = "requeued"


class UnconfirmedApplier:
    handlers = {"klien.client.registered": None}

    def apply_batch(self, events):
        raise replication.NotReplicated(0, replication.Policy(1, 100))


class NoRedis:
    def __getattr__(self, name):
        raise AssertionError(f"the consumer touched Redis ({name}): a handler failure would be counted")


def test_the_consumer_puts_an_event_back_when_no_replica_confirmed_its_effect():
    consumer = EventConsumer(NoRedis(), service="pokmas", region="r", broker_url="redis://unused/0",
                             applier=UnconfirmedApplier())
    consumer._stop.set()  # no pause between attempts in a unit test
    message = Message()
    consumer._apply([(message, {"id": "e-1", "type": "klien.client.registered", "subject": "c-1", "sequence": 1})])
    assert message.outcome == "requeued"  # not acked, and not a step towards the dead letters
