"""Reaching the Redis primary through Sentinel, when BAPAS_REDIS_SENTINELS is set.

The sentinels know which node is the primary; redis-py asks them on every new connection, and a
connection to a node that was demoted (READONLY) is dropped, so after a failover the next command
goes to the new primary. REDIS_URL then supplies only the password and the database number.
"""
import logging
from urllib.parse import quote, unquote, urlparse

import redis
from redis.sentinel import Sentinel

log = logging.getLogger(__name__)


def addresses(sentinels: str) -> list[tuple[str, int]]:
    """"a:26379,b:26379" -> [("a", 26379), ("b", 26379)]; a missing port is Sentinel's 26379."""
    found = []
    for item in filter(None, (part.strip() for part in sentinels.split(","))):
        host, _, port = item.rpartition(":") if ":" in item else (item, "", "26379")
        try:
            found.append((host, int(port)))
        except ValueError:
            raise SystemExit(f"BAPAS_REDIS_SENTINELS: {item!r} is not host:port") from None
    return found


def _password_and_db(url: str) -> tuple[str | None, int]:
    parsed = urlparse(url)
    path = parsed.path.strip("/")
    return (unquote(parsed.password) if parsed.password else None), (int(path) if path.isdigit() else 0)


class AnnouncingSentinel(Sentinel):
    """Logs the moment this process is sent to another primary: the trace of a failover in its log."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.primaries: dict[str, tuple] = {}

    def discover_master(self, service_name):
        address = super().discover_master(service_name)
        before = self.primaries.get(service_name)
        self.primaries[service_name] = address
        if before is not None and address != before:
            log.warning("redis primary changed: %s was %s:%s, now %s:%s (Sentinel failover)",
                        service_name, *before, *address)
        return address


def master_name(settings) -> str:
    if not settings.redis_sentinel_master:
        raise SystemExit("BAPAS_REDIS_SENTINELS is set: BAPAS_REDIS_SENTINEL_MASTER must name the primary they monitor")
    return settings.redis_sentinel_master


def primary(url: str, settings, **options) -> redis.Redis:
    """A client of the primary `settings.redis_sentinel_master`, as the sentinels name it now."""
    password, db = _password_and_db(url)
    sentinel_options = {"socket_connect_timeout": options.get("socket_connect_timeout", 3),
                        "socket_timeout": 3, "password": settings.redis_sentinel_password or None}
    manager = AnnouncingSentinel(addresses(settings.redis_sentinels), sentinel_kwargs=sentinel_options)
    return manager.master_for(master_name(settings), password=password, db=db, **options)


def kombu_url(url: str, sentinels: str) -> str:
    """kombu's `sentinel://` spelling of the same sentinels (one URL per sentinel, `;` between)."""
    password, db = _password_and_db(url)
    auth = f":{quote(password, safe='')}@" if password else ""
    return ";".join(f"sentinel://{auth}{host}:{port}/{db}" for host, port in addresses(sentinels))


def broker_primary(kombu: str, settings, **options) -> redis.Redis:
    """A redis-py client of the primary a `sentinel://` broker URL leads to (queue depths)."""
    first = kombu.split(";")[0].replace("sentinel://", "redis://", 1)
    return primary(first, settings, **options)


def kombu_options(settings) -> dict:
    """The sentinel transport's own options: which primary, and the sentinels' password."""
    options = {"master_name": master_name(settings)}
    if settings.redis_sentinel_password:
        options["sentinel_kwargs"] = {"password": settings.redis_sentinel_password}
    return options
