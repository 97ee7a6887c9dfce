"""The relay: publishes the outbox stream, in order, to `bapas.events`, at least once.

One relay per service is active at a time (a Redis lease), so several worker
replicas never publish out of order. The position of the last event the broker
confirmed is kept in memory while this relay holds the lease (it is the only writer
of it) and stored when the outbox has been quiet for SAVE_WHEN_QUIET_MS after a batch
(at most every SAVE_AFTER_SECONDS), and while events keep coming at least every
SAVE_EVERY_SECONDS: a restart re-publishes at most that second's events (consumers
deduplicate: inbox) and never skips one. Stored at once after each batch, as it was,
that write (an fsync with `appendfsync always`) came while the consumers committed the
events just published: Redis fsyncs one write after the other, and in bench traces it
was inside klien's commit of the idle latency samples in 47 to 81 % of them (0 to 2 %
now). It also cost a write per batch under load. The write renews the lease and counts
what was published (one fsync, not three); otherwise the lease is renewed only when a
third of it has passed. The broker connection is made when the lease is taken, not in
the first event's path (about 40 ms, once).

On RabbitMQ the whole batch is published before waiting for the broker's confirms
(instead of one round trip per message), and the position moves only once every
message of the batch is confirmed; a nack or a timeout fails the batch, which is
published again.
"""
import logging
import secrets
import threading
import time
from contextlib import contextmanager

from kombu import Producer

from shared import broker
from shared.keys import BackboneKeys
from shared.stats import Stats

log = logging.getLogger(__name__)

LEASE_MS = 15_000
RENEW_AFTER_SECONDS = LEASE_MS / 3000  # a held lease has at least two thirds of its time left at each step
CONFIRM_TIMEOUT_SECONDS = 30
SAVE_WHEN_QUIET_MS = 20  # after a batch, the position is stored when nothing more came for this long,
SAVE_AFTER_SECONDS = 0.25  # and this long after it was last stored,
SAVE_EVERY_SECONDS = 1.0  # or, while events keep coming, at least this often
# Renew the lease and move the position only while we still hold the lease.
_RENEW = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0"
# ... and, in the same write, renew the lease and count the batch as published.
_ADVANCE = ("if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[2], ARGV[2]) "
            "redis.call('PEXPIRE', KEYS[1], ARGV[3]) redis.call('HINCRBY', KEYS[3], 'published', ARGV[4]) return 1 end "
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
        self._confirms = None
        self._forget_lease()

    def _forget_lease(self) -> None:
        """Read the lease and the position from Redis again at the next step."""
        self._renewed_at = float("-inf")  # time.monotonic() when the lease was last set or renewed
        self._position = None
        self._unsaved = 0  # events published and confirmed since the position was last stored
        self._saved_at = float("-inf")

    def run(self, stop: threading.Event) -> None:
        backoff = 0.2
        while not stop.is_set():
            try:
                self.step()
                backoff = 0.2
            except Exception as exc:  # the relay must outlive any broker or Redis failure
                log.warning("relay %s: %s; retrying in %.1fs", self.service, exc, backoff)
                self._drop_connection()
                self._forget_lease()
                stop.wait(backoff)
                backoff = min(backoff * 2, 10)
        self._save_if_unsaved()
        self._drop_connection()

    def _save_if_unsaved(self) -> None:
        """On the way out: what was published and confirmed is not published again by the next relay."""
        try:
            if self._unsaved and self._position is not None:
                self._save_position()
        except Exception as exc:  # Redis gone: the next relay re-publishes from the stored position
            log.warning("relay %s: position not stored on stopping: %s", self.service, exc)

    def step(self) -> int:
        """Publish the next batch if we hold the lease; return how many were published."""
        if not self._hold_lease():
            time.sleep(1)
            return 0
        if self._position is None:
            self._position = self.redis.get(self.keys.relay_position) or "0-0"
        self._ensure_producer()  # now, not in the first event's path
        answer = self.redis.xread({self.keys.outbox: self._position}, count=self.batch, block=self._block_ms())
        if not answer:
            if self._unsaved and time.monotonic() - self._saved_at >= SAVE_AFTER_SECONDS:
                self._save_position()  # quiet now: the write meets no commit of the events just published
            return 0
        entries = answer[0][1]
        self._publish(entries)
        self._position, self._unsaved = entries[-1][0], self._unsaved + len(entries)
        if time.monotonic() - self._saved_at >= SAVE_EVERY_SECONDS:
            self._save_position()
        return len(entries)

    def _block_ms(self) -> int:
        """How long to wait for the outbox: with a position to store, until it is time to store it."""
        if not self._unsaved:
            return self.block_ms
        due_ms = (self._saved_at + SAVE_AFTER_SECONDS - time.monotonic()) * 1000
        return max(SAVE_WHEN_QUIET_MS, int(due_ms) + 1)

    def _save_position(self) -> None:
        """Store the confirmed position, renew the lease and count what was published: one write."""
        saved_at = time.monotonic()
        if self._advance(keys=[self.keys.relay_lock, self.keys.relay_position, self.stats.key],
                         args=[self.token, self._position, LEASE_MS, self._unsaved]):
            self._renewed_at = self._saved_at = saved_at
            self._unsaved = 0
        else:  # the lease was lost (this step outlasted it): another relay may publish; ask again
            log.warning("relay %s: lost the lease while publishing; position not moved", self.service)
            self._forget_lease()

    def _hold_lease(self) -> bool:
        asked_at = time.monotonic()
        if asked_at - self._renewed_at < RENEW_AFTER_SECONDS:
            return True
        if self._unsaved:  # storing the position renews the lease too: one write, not two
            self._save_position()
            if self._renewed_at >= asked_at:
                return True
        if self.redis.set(self.keys.relay_lock, self.token, nx=True, px=LEASE_MS):
            log.info("relay %s: this worker now publishes the outbox", self.service)
            self._position, self._unsaved = None, 0  # another relay may have moved it while the lease was not ours
            self._renewed_at = asked_at
            return True
        if self._renew(keys=[self.keys.relay_lock], args=[self.token, LEASE_MS]):
            self._renewed_at = asked_at
            return True
        self._forget_lease()
        return False

    def _publish(self, entries) -> None:
        producer = self._ensure_producer()
        # On the Redis transport kombu buffers the batch's LPUSHes in one pipeline (one round trip, not
        # one per message); on RabbitMQ the batch's frames leave in one write (`_one_write`) and the
        # confirms below are awaited per batch.
        with _one_write(self._connection), producer.batch(max_size=self.batch), \
                broker.bindings_read_once(producer.channel):
            for _stream_id, fields in entries:
                event_id = fields["id"]
                producer.publish(fields["event"], exchange=broker.events_exchange, routing_key=fields["type"],
                                 retry=False, **broker.publish_options(event_id, fields.get("correlationid", "")))
        if self._confirms is not None:
            self._confirms.wait_all(self._connection, CONFIRM_TIMEOUT_SECONDS)

    def _ensure_producer(self) -> Producer:
        if self._producer is None:
            self._connection = broker.connect(self.broker_url)
            broker.ensure_connected(self._connection)
            broker.declare(self._connection, *self.queues)
            log.info("relay %s: publishing to %s", self.service, self._connection.as_uri())
            channel = self._connection.channel()
            if self._connection.transport.driver_type == "amqp":
                self._confirms = BatchConfirms(channel)
            self._producer = Producer(channel)
        return self._producer

    def _drop_connection(self) -> None:
        if self._connection is not None:
            try:
                self._connection.release()
            except Exception:  # a broken connection may fail to close; it is discarded either way
                pass
        self._connection = self._producer = self._confirms = None


@contextmanager
def _one_write(connection):
    """On AMQP, the batch's frames leave in one write to the socket when the block ends, not one write (a
    system call, and a read for the broker) per message. Frames written meanwhile are copied: py-amqp
    hands each one over in a buffer it reuses. A block that raises writes nothing: the relay drops the
    connection and publishes the batch again on a new one."""
    transport = getattr(connection.connection, "transport", None) if connection is not None else None
    write = getattr(transport, "_write", None)
    if write is None:  # the Redis transport: kombu pipelines its LPUSHes already
        yield
        return
    pending: list[bytes] = []
    transport._write = lambda data: pending.append(bytes(data))
    try:
        yield
    finally:
        transport._write = write
    if pending:
        write(b"".join(pending))


class BatchConfirms:
    """Publisher confirms for a batch on an AMQP channel: publish without waiting, then wait once."""

    def __init__(self, channel):
        self.unconfirmed: set[int] = set()
        self.last_tag = 0
        self.nacked = False
        # The connection's confirm_publish makes every publish wait for its own confirm; this channel waits per batch.
        channel.basic_publish = self._published(channel._basic_publish)
        channel.confirm_select()
        channel._confirm_selected = True
        channel.events["basic_ack"].add(self._ack)
        channel.events["basic_nack"].add(self._nack)

    def _published(self, publish):
        def basic_publish(*args, **kwargs):
            result = publish(*args, **kwargs)
            self.last_tag += 1
            self.unconfirmed.add(self.last_tag)
            return result
        return basic_publish

    def _ack(self, delivery_tag: int, multiple: bool) -> None:
        if multiple:
            self.unconfirmed = {tag for tag in self.unconfirmed if tag > delivery_tag}
        else:
            self.unconfirmed.discard(delivery_tag)

    def _nack(self, delivery_tag: int, multiple: bool) -> None:
        self.nacked = True
        self._ack(delivery_tag, multiple)

    def wait_all(self, connection, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while self.unconfirmed:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"the broker did not confirm {len(self.unconfirmed)} messages in {timeout}s")
            connection.drain_events(timeout=remaining)
        if self.nacked:
            self.nacked = False
            raise RuntimeError("the broker refused (nacked) a message of the batch")

