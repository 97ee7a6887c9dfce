"""Configuration read from the environment, in one place.

Every knob an operator can turn is here, with its default; README's
"Configuration" table documents the same names.
"""
import os
from dataclasses import dataclass, field

SERVICES = ("klien", "pokmas", "bimbingan")
DEFAULT_PORTS = {"klien": 5001, "pokmas": 5002, "bimbingan": 5003}
WEB_APPS = ("portal",)                       # HTTP only: no worker, no events of its own
DEFAULT_PORTS.update(portal=5000)
EXCHANGE = "bapas.events"
DEAD_EXCHANGE = "bapas.dead"
RETRY_EXCHANGE = "bapas.retry"


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


def service_port(service: str) -> int:
    return _int(f"{service.upper()}_PORT", DEFAULT_PORTS[service])


def service_url(service: str) -> str:
    """Base URL where the other services reach `service` over HTTP."""
    return os.environ.get(f"{service.upper()}_URL") or f"http://127.0.0.1:{service_port(service)}"


@dataclass(frozen=True)
class Settings:
    redis_url: str = "redis://127.0.0.1:6379/0"
    broker_url: str = ""
    region: str = "local"
    jwt_secret: str = ""
    jwt_public_key: str = ""
    jwt_leeway_seconds: int = 30
    bind_host: str = "127.0.0.1"
    max_body_bytes: int = 1_000_000
    events_retention_days: int = 90
    consumer_max_attempts: int = 5
    broker_visibility_timeout: int = 60
    http_workers: int = 1
    http_threads: int = 8
    urls: dict = field(default_factory=dict)

    @property
    def effective_broker_url(self) -> str:
        return self.broker_url or self.redis_url


def load_settings() -> Settings:
    env = os.environ.get
    redis_url = env("REDIS_URL") or "redis://127.0.0.1:6379/0"
    return Settings(
        redis_url=redis_url,
        broker_url=env("BROKER_URL") or redis_url,
        region=env("BAPAS_REGION") or "local",
        jwt_secret=env("BAPAS_JWT_SECRET") or "",
        jwt_public_key=env("BAPAS_JWT_PUBLIC_KEY") or "",
        jwt_leeway_seconds=_int("BAPAS_JWT_LEEWAY_SECONDS", 30),
        bind_host=env("BAPAS_BIND_HOST") or "127.0.0.1",
        max_body_bytes=_int("BAPAS_MAX_BODY_BYTES", 1_000_000),
        events_retention_days=_int("BAPAS_EVENTS_RETENTION_DAYS", 90),
        consumer_max_attempts=_int("BAPAS_CONSUMER_MAX_ATTEMPTS", 5),
        broker_visibility_timeout=_int("BAPAS_BROKER_VISIBILITY_TIMEOUT", 60),
        http_workers=_int("BAPAS_HTTP_WORKERS", 1),
        http_threads=_int("BAPAS_HTTP_THREADS", 8),
        urls={name: service_url(name) for name in SERVICES},
    )
