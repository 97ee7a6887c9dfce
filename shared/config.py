"""Configuration read from the environment, in one place.

Every knob an operator can turn is here, with its default; README's
"Configuration" table documents the same names.
"""
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from shared.sentinel import kombu_url

SERVICES = ("klien", "pokmas", "bimbingan", "laporan")
DEFAULT_PORTS = {"klien": 5001, "pokmas": 5002, "bimbingan": 5003, "laporan": 5004}
WEB_APPS = ("portal",)                       # HTTP only: no worker, no events of its own
DEFAULT_PORTS.update(portal=5000)
EXCHANGE = "bapas.events"
DEAD_EXCHANGE = "bapas.dead"
RETRY_EXCHANGE = "bapas.retry"
QUEUE_TYPES = ("classic", "quorum")
HTTP_SERVERS = ("granian", "gunicorn")


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


def secret(name: str) -> str:
    """A secret from NAME, or from the file NAME_FILE names (the Docker and Kubernetes secrets
    convention: the value never sits in the environment or in `docker inspect`)."""
    value = os.environ.get(name)
    if value:
        return value
    path = os.environ.get(f"{name}_FILE")
    if not path:
        return ""
    try:
        return Path(path).read_text().strip()
    except OSError as exc:
        raise SystemExit(f"{name}_FILE={path}: cannot read it ({exc.strerror})") from None


def _instant(name: str) -> datetime | None:
    raw = os.environ.get(name)
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise SystemExit(f"{name}={raw!r} is not an RFC 3339 instant (2026-12-01T00:00:00Z)") from None
    if moment.tzinfo is None:
        raise SystemExit(f"{name}={raw!r} needs an offset (Z or +07:00)")
    return moment


def service_port(service: str) -> int:
    return _int(f"{service.upper()}_PORT", DEFAULT_PORTS[service])


def service_url(service: str) -> str:
    """Base URL where the other services reach `service` over HTTP."""
    return os.environ.get(f"{service.upper()}_URL") or f"http://127.0.0.1:{service_port(service)}"


def queue_type() -> str:
    """BAPAS_QUEUE_TYPE: `classic` (default) or `quorum`, the type of the consuming services' queues on
    RabbitMQ (kombu's Redis transport has one kind). A queue's type cannot change in place, so the default
    stays what existing deployments declared; docs/operations.md says how to move a region to quorum."""
    kind = os.environ.get("BAPAS_QUEUE_TYPE") or "classic"
    if kind not in QUEUE_TYPES:
        raise SystemExit(f"BAPAS_QUEUE_TYPE={kind!r}: use one of {', '.join(QUEUE_TYPES)}")
    return kind


def http_server() -> str:
    """BAPAS_HTTP_SERVER: `gunicorn` (default) or `granian`, the HTTP server `bapas serve` runs the API under
    (shared/http_server.py; docs/operations.md, "HTTP server", says what differs). gunicorn is the default
    because only its worker bounds the time to send a body when an API is reached directly; compose and
    Kubernetes, whose front reads every request whole first, choose granian (less CPU per request)."""
    name = os.environ.get("BAPAS_HTTP_SERVER") or "gunicorn"
    if name not in HTTP_SERVERS:
        raise SystemExit(f"BAPAS_HTTP_SERVER={name!r}: use one of {', '.join(HTTP_SERVERS)}")
    return name


def national_regions() -> tuple[str, ...]:
    """BAPAS_NATIONAL_REGIONS ("sumsel,jabar"): this deployment is a national view (laporan alone, on a
    broker that gathers the regions' events, docs/operations.md) and accepts the events of these regions."""
    return tuple(region.strip() for region in (os.environ.get("BAPAS_NATIONAL_REGIONS") or "").split(",")
                 if region.strip())


@dataclass(frozen=True)
class Settings:
    redis_url: str = "redis://127.0.0.1:6379/0"
    broker_url: str = ""
    region: str = "local"
    jwt_secret: str = ""
    jwt_public_key: str = ""
    jwt_previous_secret: str = ""
    jwt_previous_secret_until: datetime | None = None
    jwt_leeway_seconds: int = 30
    jwt_audience: str = ""
    jwt_issuer: str = ""
    jwt_max_lifetime_seconds: int = 12 * 3600
    bind_host: str = "127.0.0.1"
    max_body_bytes: int = 1_000_000
    events_retention_days: int = 90
    consumer_max_attempts: int = 5
    broker_visibility_timeout: int = 60
    http_server: str = "gunicorn"
    http_workers: int = 1
    http_threads: int = 16
    http_read_timeout_seconds: int = 15
    trusted_proxies: str = ""
    worker_metrics_port: int = 0
    # Redis behind Sentinel (docs/operations.md, "High availability"): "host:port,host:port", the
    # monitored primary's name, the sentinels' own password; REDIS_URL then gives only password and db.
    redis_sentinels: str = ""
    redis_sentinel_master: str = ""
    redis_sentinel_password: str = ""
    # A write is acknowledged once this many replicas have it (WAIT); 0 = off.
    redis_min_replicas: int = 0
    redis_wait_timeout_ms: int = 1000
    urls: dict = field(default_factory=dict)

    @property
    def effective_broker_url(self) -> str:
        return self.broker_url or self.redis_url

    def previous_jwt_secret(self, now: datetime | None = None) -> str:
        """The secret being rotated out: accepted until its deadline, never without one."""
        until = self.jwt_previous_secret_until
        if not self.jwt_previous_secret or until is None:
            return ""
        return self.jwt_previous_secret if (now or datetime.now(timezone.utc)) < until else ""


def _redis_broker_url(redis_url: str) -> str:
    """Without BROKER_URL the broker is the Redis of REDIS_URL: through Sentinel when it is configured."""
    if not os.environ.get("BAPAS_REDIS_SENTINELS"):
        return redis_url
    return kombu_url(redis_url, os.environ["BAPAS_REDIS_SENTINELS"])


def load_settings() -> Settings:
    env = os.environ.get
    redis_url = secret("REDIS_URL") or "redis://127.0.0.1:6379/0"
    return Settings(
        redis_url=redis_url,
        broker_url=secret("BROKER_URL") or _redis_broker_url(redis_url),
        region=env("BAPAS_REGION") or "local",
        jwt_secret=secret("BAPAS_JWT_SECRET"),
        jwt_public_key=secret("BAPAS_JWT_PUBLIC_KEY"),
        jwt_previous_secret=secret("BAPAS_JWT_PREVIOUS_SECRET"),
        jwt_previous_secret_until=_instant("BAPAS_JWT_PREVIOUS_SECRET_UNTIL"),
        jwt_leeway_seconds=_int("BAPAS_JWT_LEEWAY_SECONDS", 30),
        jwt_audience=env("BAPAS_JWT_AUDIENCE") or "",
        jwt_issuer=env("BAPAS_JWT_ISSUER") or "",
        jwt_max_lifetime_seconds=_int("BAPAS_JWT_MAX_LIFETIME_SECONDS", 12 * 3600),
        bind_host=env("BAPAS_BIND_HOST") or "127.0.0.1",
        max_body_bytes=_int("BAPAS_MAX_BODY_BYTES", 1_000_000),
        events_retention_days=_int("BAPAS_EVENTS_RETENTION_DAYS", 90),
        consumer_max_attempts=_int("BAPAS_CONSUMER_MAX_ATTEMPTS", 5),
        broker_visibility_timeout=_int("BAPAS_BROKER_VISIBILITY_TIMEOUT", 60),
        http_server=http_server(),
        http_workers=_int("BAPAS_HTTP_WORKERS", 1),
        http_threads=_int("BAPAS_HTTP_THREADS", 16),
        http_read_timeout_seconds=_int("BAPAS_HTTP_READ_TIMEOUT_SECONDS", 15),
        trusted_proxies=env("BAPAS_TRUSTED_PROXIES") or "",
        worker_metrics_port=_int("BAPAS_WORKER_METRICS_PORT", 0),
        redis_sentinels=env("BAPAS_REDIS_SENTINELS") or "",
        redis_sentinel_master=env("BAPAS_REDIS_SENTINEL_MASTER") or "",
        redis_sentinel_password=secret("BAPAS_REDIS_SENTINEL_PASSWORD"),
        redis_min_replicas=_int("BAPAS_REDIS_MIN_REPLICAS", 0),
        redis_wait_timeout_ms=_int("BAPAS_REDIS_WAIT_TIMEOUT_MS", 1000),
        urls={name: service_url(name) for name in SERVICES},
    )
