"""The relay: publishes the outbox stream, in order, to `bapas.events`, at least once.

One relay per service is active at a time (a Redis lease), so several worker
replicas never publish out of order. The position of the last event the broker
confirmed is stored after each batch: a restart re-publishes at most one batch
(consumers deduplicate) and never skips one.
"""
import logging
import secrets
import threading
import time

from kombu import Producer

from shared import broker
from shared.keys import BackboneKeys
from shared.stats import Stats

log = logging.getLogger(__name__)

LEASE_MS = 15_000
# Renew the lease and move the position only while we still hold the lease.
_RENEW = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0"
_ADVANCE = ("if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[2], ARGV[2]) return 1 end "
            "return 0")


class Relay:
    def __init__(self, client, *, service: str, broker_url: str, batch: int = 500, block_ms: int = 250,
                 queues=()):
        self.redis = client
        self.service = service
        self.broker_url = broker_url
        self.batch = batch
        self.block_ms = block_ms
        self.keys = BackboneKeys(service)
        self.queues = list(queues)
        self.token = secrets.token_hex(8)
        self.stats = Stats(client, service)
        self._renew = client.register_script(_RENEW)
        self._advance = client.register_script(_ADVANCE)
        self._connection = None
        self._producer = None

    def run(self, stop: threading.Event) -> None:
        backoff = 0.2
        while not stop.is_set():
            try:
                self.step()
                backoff = 0.2
            except Exception as exc:  # the relay must outlive any broker or Redis failure
                log.warning("relay %s: %s; retrying in %.1fs", self.service, exc, backoff)
                self._drop_connection()
                stop.wait(backoff)
                backoff = min(backoff * 2, 10)
        self._drop_connection()

    def step(self) -> int:
        """Publish the next batch if we hold the lease; return how many were published."""
        if not self._hold_lease():
            time.sleep(1)
            return 0
        position = self.redis.get(self.keys.relay_position) or "0-0"
        answer = self.redis.xread({self.keys.outbox: position}, count=self.batch, block=self.block_ms)
        if not answer:
            return 0
        entries = answer[0][1]
        self._publish(entries)
        self._advance(keys=[self.keys.relay_lock, self.keys.relay_position], args=[self.token, entries[-1][0]])
        self.stats.incr("published", len(entries))
        return len(entries)

    def _hold_lease(self) -> bool:
        if self.redis.set(self.keys.relay_lock, self.token, nx=True, px=LEASE_MS):
            log.info("relay %s: this worker now publishes the outbox", self.service)
            return True
        return bool(self._renew(keys=[self.keys.relay_lock], args=[self.token, LEASE_MS]))

    def _publish(self, entries) -> None:
        producer = self._ensure_producer()
        for _stream_id, fields in entries:
            event_id = fields["id"]
            producer.publish(fields["event"], exchange=broker.events_exchange, routing_key=fields["type"],
                             retry=False, **broker.publish_options(event_id, fields.get("correlationid", "")))

    def _ensure_producer(self) -> Producer:
        if self._producer is None:
            self._connection = broker.connect(self.broker_url)
            self._connection.ensure_connection(max_retries=1)
            broker.declare(self._connection, *self.queues)
            self._producer = Producer(self._connection.channel())
        return self._producer

    def _drop_connection(self) -> None:
        if self._connection is not None:
            try:
                self._connection.release()
            except Exception:  # a broken connection may fail to close; it is discarded either way
                pass
        self._connection = self._producer = None

