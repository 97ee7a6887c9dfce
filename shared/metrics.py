"""Prometheus metrics: HTTP traffic of this process, plus the backbone's state read from Redis
(events published, consumed, dead-lettered by any worker replica; outbox backlog and age) and
from the broker (consumer lag and dead letters waiting)."""
import logging
import os
import tempfile
import time
from pathlib import Path

import redis
from prometheus_client import CollectorRegistry, Counter, Histogram, multiprocess, start_http_server
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from shared import broker, sentinel
from shared.config import load_settings
from shared.keys import BackboneKeys
from shared.stats import Stats

log = logging.getLogger(__name__)


# Label values come only from these and the app's own routes: a method or path a client makes up
# becomes "other", so no request can grow the number of series (or /metrics) without bound.
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
OTHER = "other"


MULTIPROC_DIR = "PROMETHEUS_MULTIPROC_DIR"


def prepare_multiprocess(service: str, port: int, workers: int) -> Path | None:
    """With several gunicorn workers each process counts its own requests: prometheus-client's
    multiprocess mode keeps every worker's values in files of one directory, which /metrics sums.
    Called by `bapas serve` before gunicorn starts (the client picks its mode at import). The
    directory is the service's own (under PROMETHEUS_MULTIPROC_DIR when the operator sets it) and
    emptied first: files a previous run left would be counted again."""
    if workers <= 1:
        os.environ.pop(MULTIPROC_DIR, None)
        return None
    base = Path(os.environ.get(MULTIPROC_DIR) or tempfile.gettempdir())
    directory = base / f"bapas-metrics-{service}-{port}"
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.db"):
        stale.unlink()
    os.environ[MULTIPROC_DIR] = str(directory)
    return directory


def served_registry(http_registry: CollectorRegistry) -> CollectorRegistry:
    """What /metrics reads: this process's registry, or in multiprocess mode every worker's files."""
    if not os.environ.get(MULTIPROC_DIR):
        return http_registry
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return registry


class HttpMetrics:
    def __init__(self, registry: CollectorRegistry):
        self.registry = registry
        self.requests = Counter("bapas_http_requests_total", "HTTP requests by endpoint and status",
                                ["method", "endpoint", "status"], registry=registry)
        self.latency = Histogram("bapas_http_request_duration_seconds", "HTTP request latency",
                                 ["method", "endpoint"], registry=registry,
                                 buckets=(.002, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5))

    def observe(self, method: str, endpoint: str | None, status: int, seconds: float) -> None:
        """`endpoint` is the matched route's rule, or None when no route matched."""
        method = method if method in KNOWN_METHODS else OTHER
        endpoint = endpoint or OTHER
        self.requests.labels(method, endpoint, str(status)).inc()
        self.latency.labels(method, endpoint).observe(seconds)


class BackboneCollector:
    """Read at scrape time, so every API replica reports the same shared totals."""

    def __init__(self, client, service: str, broker_url: str | None = None):
        self.redis = client
        self.service = service
        self.keys = BackboneKeys(service)
        self.queues = QueueDepths(broker_url, service) if broker_url else None

    def describe(self):
        return []  # registering must not reach Redis or the broker; names are known at scrape time

    def collect(self):
        yield from self._from_redis()
        for name, depth in (self.queues.read() if self.queues else {}).items():
            yield _gauge(*QUEUE_GAUGES[name], self.service, depth)

    def _from_redis(self):
        try:
            counts = Stats(self.redis, self.service).read()
            backlog, oldest_age = outbox_backlog(self.redis, self.keys)
        except Exception:  # Redis down: /readyz says so; metrics stay scrapeable
            return
        for name, value in counts.items():
            family = CounterMetricFamily(f"bapas_events_{name}", f"Events {name.replace('_', ' ')}",
                                         labels=["service"])
            family.add_metric([self.service], value)
            yield family
        yield from _redis_memory(self.redis, self.service)
        yield _gauge("bapas_workers_alive", "Workers of the service whose heartbeat is under 30 s old",
                     self.service, workers_alive(self.redis, self.keys))
        yield _gauge("bapas_outbox_backlog", "Outbox events not yet confirmed by the broker", self.service, backlog)
        yield _gauge("bapas_outbox_oldest_age_seconds", "Age of the oldest unpublished outbox event",
                     self.service, oldest_age)


def _redis_memory(client, service: str):
    """Redis refuses every write at maxmemory (noeviction): the ratio is what to alert on."""
    memory = client.info("memory")
    used, limit = int(memory["used_memory"]), int(memory.get("maxmemory", 0))
    yield _gauge("bapas_redis_memory_used_bytes", "Memory Redis uses", service, used)
    if limit:
        yield _gauge("bapas_redis_memory_used_ratio", "Memory Redis uses, as a share of its maxmemory",
                     service, used / limit)


def workers_alive(client, keys: BackboneKeys, max_age: int = 30) -> int:
    now = int(time.time())
    return sum(1 for beat in client.hvals(keys.workers) if now - int(beat) <= max_age)


def serve_worker_metrics(client, service: str, broker_url: str, host: str, port: int) -> None:
    """A worker has no API: it serves the same backbone figures on its own port, so Prometheus
    sees each worker replica (`up` is 0 for one that hangs) besides the shared totals."""
    registry = CollectorRegistry()
    registry.register(BackboneCollector(client, service, broker_url))
    start_http_server(port, addr=host, registry=registry)


def outbox_backlog(client, keys: BackboneKeys, cap: int = 10_000) -> tuple[int, float]:
    position = client.get(keys.relay_position) or "0-0"
    pending = client.xrange(keys.outbox, min="(" + position, count=cap)
    if not pending:
        return 0, 0.0
    oldest_ms = int(pending[0][0].split("-")[0])
    return len(pending), max(0.0, time.time() - oldest_ms / 1000)


def _gauge(name: str, doc: str, service: str, value: float) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, doc, labels=["service"])
    family.add_metric([service], value)
    return family


QUEUE_GAUGES = {
    "events": ("bapas_consumer_lag_messages", "Events waiting in the service's queue, not yet taken by a worker"),
    "dead": ("bapas_dead_letters", "Dead letters waiting in the service's dead-letter queue"),
}


class QueueDepths:
    """Messages waiting in `<service>.events` and `<service>.dead`, measured at most every `ttl` seconds.

    A scrape never fails because of the broker: an unreachable broker or a queue that does not
    exist (a service that consumes nothing, on RabbitMQ) just leaves the gauge out.
    """

    def __init__(self, broker_url: str, service: str, ttl: float = 5.0):
        self.broker_url = broker_url
        self.names = {"events": f"{service}.events", "dead": f"{service}.dead"}
        self.ttl = ttl
        self._cached: dict[str, int] = {}
        self._measured_at = float("-inf")
        self._redis = None
        if broker_url.startswith(("redis://", "rediss://")):
            self._redis = redis.Redis.from_url(broker_url, socket_connect_timeout=1, socket_timeout=2)
        elif broker_url.startswith("sentinel://"):
            self._redis = sentinel.broker_primary(broker_url, load_settings(), socket_connect_timeout=1,
                                                  socket_timeout=2)

    def read(self) -> dict[str, int]:
        if time.monotonic() - self._measured_at >= self.ttl:
            try:
                self._cached = self._measure_redis() if self._redis else self._measure_amqp()
            except Exception as exc:  # the broker is down: /readyz says so; metrics stay scrapeable
                log.warning("could not measure queue depths: %s", type(exc).__name__)
                self._cached = {}
            self._measured_at = time.monotonic()
        return self._cached

    def _measure_redis(self) -> dict[str, int]:
        """On kombu's Redis transport a queue is a list named after it (messages without priority)."""
        with self._redis.pipeline(transaction=False) as pipe:
            for name in self.names.values():
                pipe.llen(name)
            return dict(zip(self.names, pipe.execute()))

    def _measure_amqp(self) -> dict[str, int]:
        depths = {}
        with broker.connect(self.broker_url) as connection:
            broker.ensure_connected(connection, timeout=2)
            for key, name in self.names.items():
                try:
                    depths[key] = connection.channel().queue_declare(queue=name, passive=True).message_count
                except connection.channel_errors:
                    continue
        return depths
