"""`bapas docs-events` renders every service's AsyncAPI document into docs/events.md;
`bapas asyncapi <service>` prints one document as JSON.

Both come from the services' catalogs (the marshmallow schemas that validate each event
before it is stored), so the page never says something the services do not publish.
`--check` exits 1 when the page is out of date, for CI.
"""
import json
import sys
from pathlib import Path

from shared import asyncapi, service
from shared.config import EXCHANGE, SERVICES
from shared.commands import events_markdown

EXAMPLE_REGION = "sumsel"
DEFAULT_OUTPUT = Path("docs/events.md")


def documents() -> dict[str, dict]:
    return {name: asyncapi.document(service.load(name).catalog, region=EXAMPLE_REGION) for name in SERVICES}


def render() -> str:
    return events_markdown.render(documents(), exchange=EXCHANGE, region=EXAMPLE_REGION)


def cmd_docs_events(args) -> int:
    text = render()
    output = Path(args.output)
    if args.check:
        if not output.exists() or output.read_text() != text:
            print(f"{output} is out of date: run `bapas docs-events`", file=sys.stderr)
            return 1
        print(f"{output} is up to date")
        return 0
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text)
    print(f"wrote {output} ({sum(len(d['components']['messages']) for d in documents().values())} event types)")
    return 0


def cmd_asyncapi(args) -> int:
    print(json.dumps(asyncapi.document(service.load(args.service).catalog, region=args.region or EXAMPLE_REGION),
                     indent=2, ensure_ascii=False))
    return 0


def register(sub) -> None:
    docs = sub.add_parser("docs-events", help="render every service's AsyncAPI document into docs/events.md")
    docs.add_argument("--output", default=str(DEFAULT_OUTPUT))
    docs.add_argument("--check", action="store_true", help="exit 1 if the file is out of date; write nothing")
    docs.set_defaults(func=cmd_docs_events)
    document = sub.add_parser("asyncapi", help="print one service's AsyncAPI 3.0 document as JSON")
    document.add_argument("service", choices=SERVICES)
    document.add_argument("--region", default=None, help=f"region in the examples (default {EXAMPLE_REGION})")
    document.set_defaults(func=cmd_asyncapi)
