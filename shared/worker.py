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

from shared.consumer import EventConsumer
from shared.errors import Unavailable
from shared.feed import FeedReader, catch_up, service_token
from shared.inbox import Applier
from shared.keys import BackboneKeys
from shared.relay import Relay
from shared.retention import trim_outbox
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
    handlers = definition.handlers(runtime)
    tasks = [*definition.tasks(runtime),
             ScheduledTask("outbox-retention", 3600,
                           lambda: trim_outbox(runtime.redis, service, settings.events_retention_days)),
             *_feed_catch_up_tasks(runtime, definition, handlers)]
    relay = Relay(runtime.redis, service=service, broker_url=settings.effective_broker_url,
                  queues=consumer_queues())
    threads = [threading.Thread(target=relay.run, args=(stop,), name="relay"),
               threading.Thread(target=run_forever, args=(runtime.redis, service, tasks, stop), name="scheduler"),
               threading.Thread(target=_heartbeat, args=(runtime.redis, service, stop), name="heartbeat")]
    if handlers:
        consumer = EventConsumer(runtime.redis, service=service, region=settings.region,
                                 broker_url=settings.effective_broker_url,
                                 applier=Applier(runtime.redis, service=service, handlers=handlers),
                                 max_attempts=settings.consumer_max_attempts,
                                 visibility_timeout=settings.broker_visibility_timeout)
        threads.append(threading.Thread(target=consumer.run, args=(stop,), name="consumer"))
    for thread in threads:
        thread.daemon = True
        thread.start()
    log.info("worker %s started (%s) with %d handlers", service, worker_name(), len(handlers))
    while not stop.is_set():
        stop.wait(1)
    for thread in threads:
        thread.join(timeout=10)
    log.info("worker %s stopped", service)


def _feed_catch_up_tasks(runtime, definition, handlers) -> list[ScheduledTask]:
    """Every period, apply what the sources' /events feeds hold after the last position read. The broker
    path can lose a message: kombu's Redis transport pops it (BRPOP) before recording it as unacked, so a
    Redis crash in between drops it. The feed is the record, so the views still converge."""
    settings = runtime.settings
    applier = Applier(runtime.redis, service=runtime.service, handlers=handlers)

    def task(source: str) -> ScheduledTask:
        def run():
            reader = FeedReader(settings.urls[source], service_token(settings, runtime.service))
            try:
                return catch_up(runtime.redis, service=runtime.service, source=source, reader=reader,
                                applier=applier, region=settings.region)
            except Unavailable as exc:  # the source is down: its events still come by the broker; try next period
                return f"skipped: {exc}"
        return ScheduledTask(f"feed-catch-up-{source}", FEED_CATCH_UP_SECONDS, run)

    return [task(source) for source in definition.sources]


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
