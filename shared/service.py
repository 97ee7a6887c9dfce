"""What a service is made of, declared once in its app.py and used by the API, the worker and the CLI.

The worker loads the same definition; the HTTP layer (Flask) is imported only when an app is built."""
import importlib
from dataclasses import dataclass, field
from typing import Callable

from shared.catalog import Catalog
from shared.config import SERVICES, Settings
from shared.runtime import Runtime, build_runtime


def _none(_runtime):
    return {}


def _no_tasks(_runtime):
    return []


@dataclass(frozen=True)
class ServiceDefinition:
    name: str
    title: str
    description: str
    catalog: Catalog
    blueprints: Callable[[Runtime], list]
    handlers: Callable[[Runtime], dict] = _none          # Subscriptions.bind(...): event type -> handler
    tasks: Callable[[Runtime], list] = _no_tasks         # ScheduledTask list for the worker
    sources: tuple[str, ...] = field(default=())         # services whose feeds this one consumes


def create_app(definition: ServiceDefinition, settings: Settings | None = None):
    from shared.http.app import build_app
    runtime = build_runtime(definition.name, definition.catalog, settings)
    return build_app(runtime, title=definition.title, description=definition.description,
                     blueprints=definition.blueprints(runtime))


def load(name: str) -> ServiceDefinition:
    if name not in SERVICES:
        raise SystemExit(f"unknown service {name!r}; choose one of {', '.join(SERVICES)}")
    return importlib.import_module(f"services.{name}.app").SERVICE
