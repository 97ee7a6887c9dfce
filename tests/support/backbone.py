"""A miniature producer service and consumer service on the real backbone, for backbone tests."""
import threading
import uuid

from kombu import Connection, Producer
from marshmallow import Schema, fields

from shared import broker, envelope, redis_tx
from shared.catalog import Catalog, EventType
from shared.consumer import EventConsumer
from shared.inbox import Applier
from shared.outbox import Outbox
from shared.relay import Relay
from tests.support.client import REGION

TYPE = "klien.client.registered"


class ThingData(Schema):
    id = fields.String(required=True)
    status = fields.String(required=True)


CATALOG = Catalog("klien", [EventType(TYPE, ThingData, "test", {"id": "x", "status": "a"})])


class Bus:
    """klien's outbox and relay; bimbingan's consumer whose handler keeps the latest status per subject."""

    def __init__(self, redis_url: str, broker_url: str, *, fail_times: dict | None = None, max_attempts: int = 3,
                 service: str | None = None):
        # By default a consuming service of this test's own (queue "<service>.events", keys "<service>:"),
        # so that nothing left by another test on the same broker can take or count this test's messages.
        self.service = service or f"bimbingan-{uuid.uuid4().hex[:8]}"
        self.redis = redis_tx.connect(redis_url)
        self.broker_url = broker_url
        self.outbox = Outbox(self.redis, service="klien", region=REGION, catalog=CATALOG)
        self.fail_times = dict(fail_times or {})
        self.calls: list[str] = []
        self.applier = Applier(self.redis, service=self.service, handlers={TYPE: self._handle})
        self.max_attempts = max_attempts
        self.stop = threading.Event()
        self.threads: list[threading.Thread] = []

    def _handle(self, pipe, event):
        self.calls.append(event["id"])
        if self.fail_times.get(event["subject"], 0) > 0:
            self.fail_times[event["subject"]] -= 1
            raise RuntimeError("handler failure for the test")
        pipe.multi()
        pipe.hset(f"{self.service}:things", event["subject"], f"{event['data']['status']}@{event['sequence']}")
        pipe.hincrby(f"{self.service}:applied_count", event["subject"], 1)

    def write(self, subject: str, status: str, sequence: int = 1) -> dict:
        def work(pipe):
            pipe.multi()
            pipe.set(f"klien:thing:{subject}", status)
            return self.outbox.stage(pipe, type=TYPE, subject=subject, sequence=sequence,
                                     data={"id": subject, "status": status}, correlation_id="c-1")
        return redis_tx.transact(self.redis, work)

    def consumer(self) -> EventConsumer:
        return EventConsumer(self.redis, service=self.service, region=REGION, broker_url=self.broker_url,
                             applier=self.applier, max_attempts=self.max_attempts, visibility_timeout=2)

    def relay(self, broker_url: str | None = None) -> Relay:
        return Relay(self.redis, service="klien", broker_url=broker_url or self.broker_url, block_ms=100,
                     queues=[broker.events_queue(self.service, [TYPE]), broker.dead_queue(self.service)])

    def start(self, relay: bool = True, consumer: bool = True) -> "Bus":
        if consumer:
            self._spawn(self.consumer().run)
        if relay:
            self._spawn(self.relay().run)
        return self

    def _spawn(self, target) -> None:
        thread = threading.Thread(target=target, args=(self.stop,), daemon=True)
        thread.start()
        self.threads.append(thread)

    def shutdown(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=15)
        alive = [t.name for t in self.threads if t.is_alive()]
        assert not alive, f"backbone threads did not stop: {alive}"

    def stat(self, name: str) -> str | None:
        return self.redis.hget(f"{self.service}:stats", name)

    def delete_queues(self) -> "Bus":
        """As on a broker where no consumer has ever run."""
        with broker.connect(self.broker_url) as connection:
            for queue in (broker.events_queue(self.service, [TYPE]), broker.dead_queue(self.service)):
                queue(connection.default_channel).delete()
        return self

    def reset(self) -> "Bus":
        """Declare the topology and empty the queues left by an earlier test on the same broker."""
        with broker.connect(self.broker_url) as connection:
            queues = [broker.events_queue(self.service, [TYPE]), broker.dead_queue(self.service)]
            broker.declare(connection, *queues)
            for queue in queues:
                queue(connection.default_channel).purge()
        return self

    def publish_raw(self, body: str, routing_key: str = TYPE, message_id: str = "") -> None:
        with broker.connect(self.broker_url) as connection:
            Producer(connection.channel()).publish(body, exchange=broker.events_exchange, routing_key=routing_key,
                                                   **broker.publish_options(message_id, "c-raw"))

    def dead_letters(self) -> list[dict]:
        """Drain this consumer's dead-letter queue (test only)."""
        import json
        found = []
        with Connection(self.broker_url) as connection:
            queue = connection.SimpleQueue(broker.dead_queue(self.service))
            while True:
                try:
                    message = queue.get(block=True, timeout=0.5)
                except queue.Empty:
                    break
                found.append(json.loads(message.body))
                message.ack()
            queue.close()
        return found

    def things(self) -> dict:
        return self.redis.hgetall(f"{self.service}:things")

    def applied_counts(self) -> dict:
        return {k: int(v) for k, v in self.redis.hgetall(f"{self.service}:applied_count").items()}


def event_body(subject: str, status: str, sequence: int, event_id: str | None = None) -> str:
    event = envelope.build_event(region=REGION, service="klien", type=TYPE, subject=subject, sequence=sequence,
                                 data={"id": subject, "status": status}, correlation_id="c-raw")
    if event_id:
        event["id"] = event_id
    return envelope.encode(event)
