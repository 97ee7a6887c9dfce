"""`bapas rebuild-views <service>`: re-apply every event of the service's sources from their
/events feeds, so its views and replicas are exact again.

Safe while the service runs: each event goes through the same Applier as a live delivery, in
one transaction with its order mark, and an event older than what is applied for its subject
changes nothing. Running it twice changes nothing more (events carry state, not deltas).
"""
from shared import service
from shared.commands import feeds_reachable
from shared.config import SERVICES, load_settings
from shared.feed import FeedReader, catch_up, service_token
from shared.inbox import Applier
from shared.runtime import build_runtime


def rebuild(runtime, definition) -> dict[str, int]:
    settings = runtime.settings
    applier = Applier(runtime.redis, service=definition.name, handlers=definition.handlers(runtime))
    token = service_token(settings, definition.name)
    return {source: catch_up(runtime.redis, service=definition.name, source=source,
                             reader=FeedReader(settings.urls[source], token, timeout=10), applier=applier,
                             region=settings.region, replay=True, from_start=True)
            for source in definition.sources}


def cmd_rebuild_views(args) -> int:
    definition = service.load(args.service)
    if not definition.sources:
        print(f"{args.service} keeps no views of other services' events: nothing to rebuild")
        return 0
    with feeds_reachable():
        counts = rebuild(build_runtime(definition.name, definition.catalog, load_settings()), definition)
    for source, count in counts.items():
        print(f"{args.service}: re-applied {count} event(s) from {source}")
    return 0


def register(sub) -> None:
    command = sub.add_parser("rebuild-views", help="rebuild a service's views and replicas from its sources' feeds")
    command.add_argument("service", choices=SERVICES)
    command.set_defaults(func=cmd_rebuild_views)
