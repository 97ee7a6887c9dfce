"""What a service process needs, wired once (the bootstrap): settings, Redis, outbox."""
from dataclasses import dataclass

from shared import redis_tx
from shared.catalog import Catalog
from shared.config import Settings, load_settings
from shared.outbox import Outbox


@dataclass
class Runtime:
    service: str
    settings: Settings
    redis: object
    outbox: Outbox


def build_runtime(service: str, catalog: Catalog, settings: Settings | None = None) -> Runtime:
    settings = settings or load_settings()
    client = redis_tx.connect(settings.redis_url, settings)
    outbox = Outbox(client, service=service, region=settings.region, catalog=catalog)
    return Runtime(service=service, settings=settings, redis=client, outbox=outbox)
