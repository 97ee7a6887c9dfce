"""RabbitMQ queue types and failover URLs, against the local broker, in a vhost of this module's own
(the session's vhost holds classic `<service>.events` queues of other tests).

- BAPAS_QUEUE_TYPE=quorum declares every consuming service's queue and dead-letter queue as quorum;
  without it they stay classic, as existing deployments declared them.
- A queue that already exists as classic is used as it is (RabbitMQ cannot change a queue's type)
  and keeps receiving its events, instead of the worker failing at every start.
- A BROKER_URL naming several nodes connects through the first one that answers.
"""
import logging
import subprocess
import uuid

import pytest
from kombu import Producer

from shared import broker
from shared.topology import consumer_queues
from tests.support import rabbitmq

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def vhost():
    reason = rabbitmq.available()
    if reason:
        pytest.skip(reason)
    own = rabbitmq.Vhost().create()
    yield own
    own.delete()


def queue_types(vhost) -> dict[str, str]:
    listed = subprocess.run(["rabbitmqctl", "-q", "list_queues", "-p", vhost.name, "--no-table-headers",
                             "name", "type"], check=True, capture_output=True, text=True, timeout=60).stdout
    return dict(line.split("\t")[:2] for line in listed.splitlines() if "\t" in line)


def delete_queues(vhost, queues) -> None:
    with broker.connect(vhost.url) as connection:
        for queue in queues:
            queue(connection.channel()).delete()


def test_quorum_when_configured_for_every_consumer_and_dead_letter_queue(vhost, monkeypatch):
    monkeypatch.setenv("BAPAS_QUEUE_TYPE", "quorum")
    queues = consumer_queues("klien")
    with broker.connect(vhost.url) as connection:
        broker.ensure_connected(connection)
        declared = broker.declare(connection, *queues)
    types = queue_types(vhost)
    try:
        assert [queue.name for queue in declared] == [queue.name for queue in queues]
        assert {queue.name: types.get(queue.name) for queue in queues} == {queue.name: "quorum" for queue in queues}
        assert {"bimbingan.events", "bimbingan.dead", "laporan.events", "laporan.dead"} <= set(types)
    finally:
        delete_queues(vhost, queues)


def test_classic_by_default(vhost, monkeypatch):
    monkeypatch.delenv("BAPAS_QUEUE_TYPE", raising=False)
    queue = broker.events_queue(f"classic-{uuid.uuid4().hex[:6]}", ["quorum.test.classic"])
    with broker.connect(vhost.url) as connection:
        broker.declare(connection, queue)
    try:
        assert queue_types(vhost)[queue.name] == "classic"
    finally:
        delete_queues(vhost, [queue])


def test_an_existing_classic_queue_is_consumed_as_it_is_when_quorum_is_configured(vhost, monkeypatch, caplog):
    service = f"was-classic-{uuid.uuid4().hex[:6]}"
    monkeypatch.delenv("BAPAS_QUEUE_TYPE", raising=False)
    with broker.connect(vhost.url) as connection:
        broker.declare(connection, broker.events_queue(service, ["quorum.test.old"]))
    monkeypatch.setenv("BAPAS_QUEUE_TYPE", "quorum")
    wanted = broker.events_queue(service, ["quorum.test.old", "quorum.test.new"])
    try:
        with broker.connect(vhost.url) as connection, caplog.at_level(logging.ERROR, logger="shared.broker"):
            queue, = broker.declare(connection, wanted)
            # The binding added with this version reaches the old queue too.
            Producer(connection.channel()).publish("new", exchange=broker.events_exchange,
                                                   routing_key="quorum.test.new", delivery_mode=2)
            received = []
            with connection.Consumer([queue], callbacks=[lambda body, message: (received.append(body),
                                                                               message.ack())]):
                connection.drain_events(timeout=5)
        assert received in (["new"], [b"new"])
        assert queue_types(vhost)[wanted.name] == "classic"
        assert f"queue {wanted.name} exists with another type than BAPAS_QUEUE_TYPE=quorum" in caplog.text
    finally:
        delete_queues(vhost, [wanted])


def test_a_failover_url_connects_through_the_first_node_that_answers_and_tries_it_first_next_time(vhost, caplog):
    url = f"amqp://guest:guest@127.0.0.1:1//;amqp://guest:guest@127.0.0.1:2//;{vhost.url}"
    with caplog.at_level(logging.WARNING, logger="shared.broker"):
        with broker.connect(url) as connection:
            broker.ensure_connected(connection)
            assert (connection.port, connection.virtual_host) == (5672, vhost.name)
        assert caplog.text.count("did not answer") == 2 and "127.0.0.1:2" in caplog.text
        caplog.clear()
        with broker.connect(url) as again:
            broker.ensure_connected(again)
            assert (again.port, again.virtual_host) == (5672, vhost.name)
        assert "did not answer" not in caplog.text


def test_an_unknown_queue_type_stops_the_process(monkeypatch):
    monkeypatch.setenv("BAPAS_QUEUE_TYPE", "mirrored")
    with pytest.raises(SystemExit, match="BAPAS_QUEUE_TYPE='mirrored'"):
        broker.queue_arguments()


def test_when_the_node_that_answered_last_is_gone_the_others_are_tried_all(vhost, monkeypatch):
    gone = "amqp://guest:guest@127.0.0.1:2//"
    url = f"{vhost.url};amqp://guest:guest@127.0.0.1:1//;{gone}"
    with broker.connect(url) as connection:
        monkeypatch.setitem(broker._answered, tuple(connection.alt), gone)
        broker.ensure_connected(connection)    # tries :2, then the first node of the URL, which answers
        assert (connection.port, connection.virtual_host) == (5672, vhost.name)
        assert broker._answered[tuple(connection.alt)] == vhost.url
