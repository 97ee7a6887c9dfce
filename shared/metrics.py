"""Prometheus metrics: HTTP traffic of this process, plus the backbone's state read from Redis
(events published, consumed, dead-lettered by any worker replica; outbox backlog and age)."""
import time

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from shared.keys import BackboneKeys
from shared.stats import Stats


class HttpMetrics:
    def __init__(self, registry: CollectorRegistry):
        self.requests = Counter("bapas_http_requests_total", "HTTP requests by endpoint and status",
                                ["method", "endpoint", "status"], registry=registry)
        self.latency = Histogram("bapas_http_request_duration_seconds", "HTTP request latency",
                                 ["method", "endpoint"], registry=registry,
                                 buckets=(.002, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5))

    def observe(self, method: str, endpoint: str, status: int, seconds: float) -> None:
        self.requests.labels(method, endpoint, str(status)).inc()
        self.latency.labels(method, endpoint).observe(seconds)


class BackboneCollector:
    """Read at scrape time, so every API replica reports the same shared totals."""

    def __init__(self, client, service: str):
        self.redis = client
        self.service = service
        self.keys = BackboneKeys(service)

    def collect(self):
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
        yield _gauge("bapas_outbox_backlog", "Outbox events not yet confirmed by the broker", self.service, backlog)
        yield _gauge("bapas_outbox_oldest_age_seconds", "Age of the oldest unpublished outbox event",
                     self.service, oldest_age)


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
