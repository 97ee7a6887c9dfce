"""`bapas replay` re-delivers a service's history, in order, to one integrator's queue only;
`bapas rebuild-views` makes a consumer's views exact again from the owner's feed, idempotently."""
import json
import uuid

import pytest
from kombu import Connection, Queue

from shared import service
from shared.cli import main
from shared.commands.rebuild_views import rebuild
from shared.config import Settings
from shared.runtime import build_runtime
from tests.support.backbone import CATALOG, TYPE, Bus
from tests.support.ops_http import served
from tests.support.plumbing_app import make_app
from tests.support.client import REGION, SECRET


@pytest.fixture
def feed(redis_url, broker_url, monkeypatch):
    """klien's feed over HTTP, with three events in it; the bapas command configured to read it."""
    bus = Bus(redis_url, broker_url, service="bimbingan")
    with served(make_app(redis_url, broker_url=broker_url)) as url:
        for key, value in {"KLIEN_URL": url, "BAPAS_JWT_SECRET": SECRET, "BAPAS_REGION": REGION,
                           "REDIS_URL": redis_url, "BROKER_URL": broker_url}.items():
            monkeypatch.setenv(key, value)
        bus.events = [bus.write(str(uuid.uuid4()), "active") for _ in range(3)]
        bus.url = url
        yield bus


def integrator_queue(broker_url: str) -> Queue:
    queue = Queue(f"integrator-{uuid.uuid4().hex[:8]}", durable=True)
    with Connection(broker_url) as connection:
        queue(connection.default_channel).declare()
    return queue


def drain(broker_url: str, queue: Queue) -> list:
    with Connection(broker_url) as connection:
        bound = queue(connection.default_channel)
        messages = []
        while (message := bound.get(no_ack=True)) is not None:
            messages.append(message)
        bound.delete()
    return messages


def test_replay_publishes_the_events_after_the_given_one_in_order_to_that_queue(feed, broker_url, capsys):
    queue = integrator_queue(broker_url)
    assert main(["replay", "--from", "klien", "--after", feed.events[0]["id"], "--to-queue", queue.name]) == 0
    assert "replayed 2 event(s)" in capsys.readouterr().out
    messages = drain(broker_url, queue)
    assert [json.loads(m.body)["id"] for m in messages] == [e["id"] for e in feed.events[1:]]
    assert all(m.properties["delivery_mode"] == 2 and m.properties["message_id"] == json.loads(m.body)["id"]
               for m in messages)


def test_replay_filters_by_type_and_refuses_an_unknown_position(feed, broker_url, capsys):
    queue = integrator_queue(broker_url)
    assert main(["replay", "--from", "klien", "--to-queue", queue.name, "--type", "klien.client.updated"]) == 0
    assert "replayed 0 event(s)" in capsys.readouterr().out
    assert main(["replay", "--from", "klien", "--after", str(uuid.uuid4()), "--to-queue", queue.name]) == 2
    assert "not in the feed" in capsys.readouterr().err
    assert drain(broker_url, queue) == []


def test_replay_refuses_a_queue_that_does_not_exist_on_rabbitmq(feed, broker_url, capsys):
    if not broker_url.startswith("amqp"):
        pytest.skip("on the Redis transport a queue is created by its first message")
    assert main(["replay", "--from", "klien", "--to-queue", "nobody-declared-this"]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_rebuild_views_restores_a_damaged_view_and_a_second_run_changes_nothing(feed, redis_url):
    subject = feed.events[0]["subject"]
    feed.write(subject, "revoked", sequence=2)
    definition = service.ServiceDefinition(name="bimbingan", title="t", description="d", catalog=CATALOG,
                                           blueprints=lambda runtime: [], sources=("klien",),
                                           handlers=lambda runtime: {TYPE: feed._handle})
    settings = Settings(redis_url=redis_url, region=REGION, jwt_secret=SECRET, urls={"klien": feed.url})
    runtime = build_runtime("bimbingan", CATALOG, settings)
    feed.redis.delete("bimbingan:things")
    assert rebuild(runtime, definition) == {"klien": 4}
    expected = {e["subject"]: "active@1" for e in feed.events[1:]} | {subject: "revoked@2"}
    assert feed.things() == expected
    assert rebuild(runtime, definition) == {"klien": 4}
    assert feed.things() == expected
