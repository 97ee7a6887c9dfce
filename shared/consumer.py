"""The consumer: one durable queue per service, acked only after the effect is committed.

- A malformed message, one from an unexpected source or region, or one of a type
  this service does not handle goes straight to `<service>.dead` with the reason.
- A handler that fails is retried with backoff; after `max_attempts` the message
  goes to `<service>.dead` with the error. Either way the queue moves on.
- If Redis itself is unreachable or timed out mid-commit, or no replica confirmed the effect in time
  (BAPAS_REDIS_MIN_REPLICAS), the message is put back (not the message's fault)
  and the consumer waits; applied again, it is a duplicate, or redone if a failover lost it.

Batches: what the broker has already sent joins the message in hand (one transaction, one fsync for
all). Under load a batch also waits a few milliseconds for company (`linger`), because a batch of one
costs several times what each event of a larger one costs; "under load" means the batch's first
message came less than `BUSY_SECONDS` after the previous batch was done. On an idle system a lone
event is applied at once.
"""
import json
import logging
import select
import threading
import time

from kombu import Producer

from shared import broker, envelope, logs
from shared.config import national_regions
from shared.inbox import DUPLICATE, Applier, EventFailed
from shared.keys import BackboneKeys
from shared.stats import Stats

log = logging.getLogger(__name__)

# The most a busy batch's first event waits for company. 4 ms gave batches of 10 to 17 at 800 enrollments/s;
# 12 ms gave 17 to 38 and the three consumers 60 to 80 µs less CPU per enrollment (issue 21, sixth pass).
LINGER_SECONDS = 0.010
BUSY_SECONDS = 0.01  # a message this soon after the previous batch was done: the consumer is busy
LOG_LINE_EVENTS = 50  # a batch's events per log line (a line stays under docker's 16 KB)


def _readable(sock) -> bool:
    """Bytes wait on the socket now (TLS: or in its buffer of decrypted ones)."""
    if getattr(sock, "pending", None) and sock.pending():
        return True
    poller = select.poll()
    poller.register(sock, select.POLLIN)
    return bool(poller.poll(0))


class EventConsumer:
    def __init__(self, client, *, service: str, region: str, broker_url: str, applier: Applier,
                 max_attempts: int = 5, visibility_timeout: int = 60, prefetch: int = 200,
                 linger: float = LINGER_SECONDS, on_connected=lambda: None):
        self.redis = client
        self.service = service
        self.region = region
        self.broker_url = broker_url
        self.applier = applier
        self.max_attempts = max_attempts
        self.visibility_timeout = visibility_timeout
        self.prefetch = prefetch
        self.linger = linger
        self._done_at = float("-inf")  # time.monotonic() when the previous batch was settled
        self.on_connected = on_connected  # called each time the consumer is listening again
        self.keys = BackboneKeys(service)
        self.stats = Stats(client, service)
        self.queue = broker.events_queue(service, applier.handlers.keys())
        self._stop = threading.Event()

    def run(self, stop: threading.Event) -> None:
        self._stop = stop
        backoff = 0.2
        while not stop.is_set():
            try:
                self._consume(stop)
                backoff = 0.2
            except Exception as exc:  # broker gone or any transport error: reconnect, never die
                log.warning("consumer %s: %s; reconnecting in %.1fs", self.service, exc, backoff)
                stop.wait(backoff)
                backoff = min(backoff * 2, 10)

    def _consume(self, stop: threading.Event) -> None:
        # Dead letters leave on a connection of their own: a publish that waits for the broker's
        # confirm must not read frames of the connection whose drain_events is delivering to us
        # (py-amqp would dispatch further deliveries inside that wait).
        received: list = []
        with broker.connect(self.broker_url, visibility_timeout=self.visibility_timeout) as connection, \
                broker.connect(self.broker_url) as dead_connection:
            broker.ensure_connected(connection)
            broker.read_ahead(connection)
            broker.ensure_connected(dead_connection)
            queue, _dead = broker.declare(connection, self.queue, broker.dead_queue(self.service))
            self._dead_producer = Producer(dead_connection.channel())
            backlog = broker.backlog(self.broker_url)
            with connection.Consumer([queue], on_message=received.append, prefetch_count=self.prefetch):
                # The node is named: after a broker node's death this line shows where the consumer went.
                log.info("consumer %s: listening on %s at %s", self.service, queue.name, connection.as_uri())
                self.on_connected()
                while not stop.is_set():
                    try:
                        connection.drain_events(timeout=1)
                    except TimeoutError:
                        continue
                    arrived = time.monotonic()
                    self._gather(connection, received, backlog)
                    if arrived - self._done_at < BUSY_SECONDS:
                        self._linger(connection, received, arrived + self.linger)
                    batch, received[:] = list(received), []
                    self.on_batch(batch)
                    self._done_at = time.monotonic()

    def _gather(self, connection, received: list, backlog) -> None:
        """What is already on its way joins the batch in hand: one transaction, one fsync for all."""
        if backlog is None:
            self._gather_pushed(connection, received)
            return
        more = backlog(self.queue.name)
        # A message counted in the backlog can be taken by another replica: wait for it a moment only.
        while more > 0 and len(received) < self.prefetch:
            try:
                connection.drain_events(timeout=0.1)
            except TimeoutError:
                return
            more -= 1

    def _gather_pushed(self, connection, received: list) -> None:
        """RabbitMQ pushes up to the prefetch count at once: what the socket holds now joins the batch,
        and nothing is waited for (a lone event is applied at once, not after a pause for company)."""
        sock = getattr(connection.connection, "sock", None)
        while len(received) < self.prefetch:
            if sock is not None and not broker.buffered(connection) and not _readable(sock):
                return
            try:  # the start of a message is there: its rest is on its way
                connection.drain_events(timeout=0.05 if sock is not None else 0.0005)
            except TimeoutError:
                return

    def _linger(self, connection, received: list, until: float) -> None:
        """Busy: messages that arrive until `until` join the batch (the first one waits that long at most)."""
        while len(received) < self.prefetch:
            remaining = until - time.monotonic()
            if remaining <= 0:
                return
            try:
                connection.drain_events(timeout=remaining)
            except TimeoutError:
                return

    def on_batch(self, messages: list) -> None:
        """Apply the messages' events in one transaction where their keys allow, then ack them all."""
        regions = national_regions()  # read from the environment once a batch, not once an event
        self._apply([(message, event) for message in messages
                     if (event := self._checked(message, regions)) is not None])

    def _apply(self, parsed: list) -> None:
        if not parsed:
            return
        try:
            outcomes = self.applier.apply_batch([event for _, event in parsed])
        except EventFailed as failed:  # that event alone is retried or dead-lettered; the others go on
            self._settle(parsed[:len(failed.outcomes)], failed.outcomes)
            message, event = parsed[failed.index]
            with logs.correlation(event["correlationid"]):
                self._failed(message, event, failed.error)
            self._apply(parsed[len(failed.outcomes):failed.index] + parsed[failed.index + 1:])
            return
        except Exception as exc:  # Redis unreachable, or the commit's outcome unknown: not the events' fault
            log.warning("consumer %s: %s; %d events put back", self.service, exc, len(parsed))
            self._stop.wait(1)
            for message, _ in parsed:
                message.requeue()
            return
        self._settle(parsed, outcomes)

    def _settle(self, parsed: list, outcomes: list[str]) -> None:
        """Ack what is committed, count the duplicates (applied and stale are counted in the commit)."""
        broker.ack_all([message for message, _ in parsed])
        duplicates = outcomes.count(DUPLICATE)
        if duplicates:
            self.stats.incr("duplicates", duplicates)
        self._log_settled([event for _, event in parsed], outcomes)

    def _checked(self, message, regions: tuple[str, ...]) -> dict | None:
        """The message's event, or None when it went to the dead letters."""
        try:
            event = envelope.parse_event(message.body)
            envelope.check_origin(event, region=self.region, also=regions)
            if not self.applier.handles(event["type"]):
                raise envelope.MalformedEvent(f"{self.service} does not handle {event['type']!r}")
        except envelope.MalformedEvent as exc:
            self._dead_letter(message, str(exc), event_id=message.properties.get("message_id"))
            return None
        return event

    def _log_settled(self, events: list[dict], outcomes: list[str]) -> None:
        """A lone event: its line, with its correlation id, as always. A batch: a line per LOG_LINE_EVENTS
        events, each still named with its outcome, type, subject, sequence and correlation id (`cid=`);
        a line per event costs about 20 µs to format and write, and as much again wherever it is
        collected, a tenth of an event's cost in a batch. BAPAS_LOG_LEVEL=debug adds a line per event."""
        if len(events) == 1:
            self._log_applied(events[0], outcomes[0], logging.INFO)
            return
        for start in range(0, len(events), LOG_LINE_EVENTS):
            part = zip(events[start:start + LOG_LINE_EVENTS], outcomes[start:start + LOG_LINE_EVENTS])
            log.info("consumer %s: %d of %d events: %s", self.service, min(LOG_LINE_EVENTS, len(events) - start),
                     len(events), ", ".join(f"{outcome} {event['type']} {event['subject']} seq={event['sequence']} "
                                            f"cid={event['correlationid']}" for event, outcome in part))
        if log.isEnabledFor(logging.DEBUG):
            for event, outcome in zip(events, outcomes):
                self._log_applied(event, outcome, logging.DEBUG)

    def _log_applied(self, event: dict, outcome: str, level: int) -> None:
        with logs.correlation(event["correlationid"]):
            log.log(level, "consumer %s: %s %s %s seq=%s", self.service, outcome, event["type"], event["subject"],
                    event["sequence"])

    def _failed(self, message, event: dict, exc: Exception) -> None:
        self.stats.incr("handler_errors")
        attempts = self.redis.incr(self.keys.attempts(event["id"]))
        self.redis.expire(self.keys.attempts(event["id"]), 24 * 3600)
        error = f"{type(exc).__name__}: {exc}"
        if attempts >= self.max_attempts:
            self._dead_letter(message, f"handler failed {attempts} times: {error}", event_id=event["id"])
            return
        log.warning("consumer %s: %s failed (attempt %d of %d): %s", self.service, event["id"], attempts,
                    self.max_attempts, error)
        self._stop.wait(min(0.1 * 2 ** attempts, 5))
        message.requeue()

    def _dead_letter(self, message, reason: str, *, event_id: str | None) -> None:
        body = message.body.decode("utf-8", "replace") if isinstance(message.body, bytes) else message.body
        record = {"reason": reason, "queue": self.queue.name, "body": body,
                  "routing_key": message.delivery_info.get("routing_key")}
        self._dead_producer.publish(json.dumps(record), exchange=broker.dead_exchange, routing_key=self.service,
                                    retry=True, delivery_mode=2, content_type="application/json",
                                    content_encoding="utf-8", message_id=event_id or "",
                                    headers={"x-dead-reason": reason[:500]})
        message.ack()
        self.stats.incr("dead_lettered")
        log.error("consumer %s: event %s dead-lettered: %s", self.service, event_id, reason)
