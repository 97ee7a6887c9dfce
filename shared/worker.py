"""The worker process of a service: outbox relay, event consumer, scheduled tasks, heartbeat.

Each runs in its own thread with its own connections; SIGTERM/SIGINT stops them
after the message in hand is acked, and a kill -9 loses nothing (the broker
redelivers what was not acked, the relay republishes what was not confirmed).
"""
import logging
import os
import signal
import socket
import threading
import time

from shared.config import national_regions
from shared.consumer import EventConsumer
from shared.errors import Unavailable
from shared.feed import FeedReader, catch_up, service_token
from shared.inbox import Applier
from shared.keys import BackboneKeys
from shared.metrics import serve_worker_metrics
from shared.migrate import on_start as check_data_version
from shared.relay import Relay
from shared.retention import trim_outbox
from shared.runtime import freeze_start_up_heap
from shared.scheduler import ScheduledTask, run_forever
from shared.topology import consumer_queues

log = logging.getLogger(__name__)
HEARTBEAT_SECONDS = 5
FEED_CATCH_UP_SECONDS = 30


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def run_worker(runtime, definition) -> None:
    settings, service = runtime.settings, runtime.service
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    check_data_version(runtime.redis, service)
    handlers = definition.handlers(runtime)
    # A national view has no owners beside it to read feeds from: its events come only by the broker.
    sources = () if national_regions() else definition.sources
    feeds = FeedCatchUp(runtime, sources, Applier(runtime.redis, service=service, handlers=handlers))
    tasks = [*definition.tasks(runtime),
             ScheduledTask("outbox-retention", 3600,
                           lambda: trim_outbox(runtime.redis, service, settings.events_retention_days)),
             *feeds.scheduled()]
    relay = Relay(runtime.redis, service=service, broker_url=settings.effective_broker_url,
                  queues=consumer_queues(service))
    threads = [threading.Thread(target=relay.run, args=(stop,), name="relay"),
               threading.Thread(target=run_forever, args=(runtime.redis, service, tasks, stop), name="scheduler"),
               threading.Thread(target=_heartbeat, args=(runtime.redis, service, stop), name="heartbeat")]
    if sources:
        threads.append(threading.Thread(target=feeds.run, args=(stop,), name="feed-catch-up"))
    if handlers:
        consumer = EventConsumer(runtime.redis, service=service, region=settings.region,
                                 broker_url=settings.effective_broker_url,
                                 applier=Applier(runtime.redis, service=service, handlers=handlers),
                                 max_attempts=settings.consumer_max_attempts,
                                 visibility_timeout=settings.broker_visibility_timeout,
                                 on_connected=feeds.request)
        threads.append(threading.Thread(target=consumer.run, args=(stop,), name="consumer"))
    freeze_start_up_heap()
    for thread in threads:
        thread.daemon = True
        thread.start()
    if settings.worker_metrics_port:
        serve_worker_metrics(runtime.redis, service, settings.effective_broker_url, settings.bind_host,
                             settings.worker_metrics_port)
    log.info("worker %s started (%s) with %d handlers", service, worker_name(), len(handlers))
    while not stop.is_set():
        stop.wait(1)
    for thread in threads:
        thread.join(timeout=10)
    log.info("worker %s stopped", service)


class FeedCatchUp:
    """Applies what the sources' /events feeds hold after the last position read. The broker path can
    lose a message: kombu's Redis transport pops it (BRPOP) before recording it as unacked, so a Redis
    crash in between drops it. The feed is the record, so the views still converge: at once when the
    worker starts and whenever its consumer (re)connects to the broker (each source read until it
    answers), and every FEED_CATCH_UP_SECONDS across the replicas."""

    def __init__(self, runtime, sources: tuple[str, ...], applier: Applier):
        self.runtime = runtime
        self.sources = sources
        self.applier = applier
        self._wanted = threading.Event()
        self._wanted.set()  # at start

    def request(self) -> None:
        self._wanted.set()

    def scheduled(self) -> list[ScheduledTask]:
        return [ScheduledTask(f"feed-catch-up-{source}", FEED_CATCH_UP_SECONDS, lambda source=source: self.once(source))
                for source in self.sources]

    def once(self, source: str):
        settings, service = self.runtime.settings, self.runtime.service
        reader = FeedReader(settings.urls[source], service_token(settings, service))
        try:
            return catch_up(self.runtime.redis, service=service, source=source, reader=reader,
                            applier=self.applier, region=settings.region)
        except Unavailable as exc:  # the source is down: its events still come by the broker; try again later
            return f"skipped: {exc}"

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            if not self._wanted.wait(timeout=1):
                continue
            self._wanted.clear()
            pending, backoff = list(self.sources), 0.5
            while pending and not stop.is_set():
                pending = [source for source in pending if not self._caught_up(source)]
                if pending and self._asked_again_within(backoff, stop):
                    # A reconnect while a source is still down: every source is read again now,
                    # so one source that stays down never holds back the others' catch-up.
                    self._wanted.clear()
                    pending, backoff = list(self.sources), 0.5
                elif pending:
                    backoff = min(backoff * 2, 10)

    def _asked_again_within(self, seconds: float, stop: threading.Event) -> bool:
        deadline = time.monotonic() + seconds
        while not (stop.is_set() or self._wanted.is_set()) and time.monotonic() < deadline:
            stop.wait(0.1)
        return self._wanted.is_set()

    def _caught_up(self, source: str) -> bool:
        try:
            result = self.once(source)
        except Exception as exc:  # Redis down, or a feed event this service refuses: try again
            log.warning("feed catch-up %s <- %s: %s", self.runtime.service, source, exc)
            return False
        log.info("feed catch-up %s <- %s: %s", self.runtime.service, source, result)
        return not isinstance(result, str)


def _heartbeat(client, service: str, stop: threading.Event) -> None:
    key, name = BackboneKeys(service).workers, worker_name()
    while not stop.is_set():
        try:
            client.hset(key, name, int(time.time()))
        except Exception as exc:
            log.warning("heartbeat %s: %s", service, exc)
        stop.wait(HEARTBEAT_SECONDS)
    try:
        client.hdel(key, name)
    except Exception:  # shutting down with Redis gone: the entry ages out of health checks
        pass


def healthy_here(client, service: str, max_age: int = 30) -> bool:
    """True when a worker on this host beat within `max_age` seconds (container healthchecks)."""
    host = socket.gethostname() + ":"
    now = int(time.time())
    return any(name.startswith(host) and now - int(beat) <= max_age
               for name, beat in client.hgetall(BackboneKeys(service).workers).items())
