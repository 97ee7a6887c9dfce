"""Which events a service consumes, declared once, each beside its handler (nameko's @event_handler):

    subscriptions = Subscriptions()

    @subscriptions.handles("bimbingan.enrollment.created", "bimbingan.enrollment.completed", data=EnrollmentState)
    def enrollment_changed(cases, tx, data: dict, event: dict) -> None:
        cases.record_enrollment(tx, data)

- Every handler gets `data` loaded and dumped by its schema (ids and dates as strings, unknown keys
  as the schema says); data that does not match raises ValueError naming the event, so the consumer
  retries it and then dead-letters it: a producer's bug is seen, never applied.
- `bind(cases, uow)` gives the Applier its handlers (event type -> handler(pipe, event)); each runs
  on a Transaction over the Applier's pipe, so the effect commits with the inbox mark.
- Data that is plainly valid (every field of the schema present, each a value its field loads and dumps
  unchanged) is taken as it is, without marshmallow's load and dump (a third of a client event's CPU
  in a worker): `projection.validated`, the same check the outbox makes of every event it writes;
  anything else goes through the schema, which decides.
- `reads=` (optional) says beforehand what a handler reads: `reads(event)` gives (command, key)
  tuples, e.g. `("GET", key)`; a batch sends every event's planned reads in one round trip and
  the handler's same reads are answered from there (shared/batch_pipe.py). A plan that misses
  a read costs that read's round trip, never a wrong answer.
- `declared(service)` reads the event types from services/<service>/handlers.py without importing
  it (string literals in the decorators, or module-level tuples of them): relays declare every
  consumer's queue from it, so no service imports another.
"""
import ast
from pathlib import Path
from typing import Callable

from marshmallow import Schema, ValidationError

from shared import projection

SERVICES_DIR = Path(__file__).resolve().parent.parent / "services"


class Subscriptions:
    def __init__(self):
        self._handlers: dict[str, tuple[Callable, Schema, Callable | None]] = {}

    def handles(self, *event_types: str, data: type[Schema], reads: Callable | None = None):
        def register(handler: Callable) -> Callable:
            for event_type in event_types:
                if event_type in self._handlers:
                    raise ValueError(f"{event_type} is handled twice")
                self._handlers[event_type] = (handler, data(), reads)
            return handler
        return register

    @property
    def event_types(self) -> list[str]:
        return list(self._handlers)

    def bind(self, cases, uow) -> dict[str, Callable]:
        def bound(handler: Callable, schema: Schema, reads: Callable | None) -> Callable:
            def apply(pipe, event: dict) -> None:
                handler(cases, uow.on(pipe), validated(schema, event), event)
            apply.reads = reads
            return apply

        return {event_type: bound(*entry) for event_type, entry in self._handlers.items()}


def validated(schema: Schema, event: dict) -> dict:
    """The event's data as its schema loads then dumps it (shared/projection.py: data that is plainly
    valid is taken as it is); data that does not match raises ValueError naming the event."""
    try:
        return projection.validated(schema, event["data"])
    except ValidationError as exc:
        raise ValueError(f"{event['type']} {event['id']}: data does not match: {exc.messages}") from None


def declared(service: str, services_dir: Path = SERVICES_DIR) -> list[str]:
    """The event types `service` subscribes to, read from the decorators in its handlers.py."""
    path = services_dir / service / "handlers.py"
    if not path.exists():
        return []
    tree = ast.parse(path.read_text(), filename=str(path))
    constants = {target.id: node.value for node in tree.body if isinstance(node, ast.Assign)
                 for target in node.targets if isinstance(target, ast.Name)}
    types = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            for decorator in node.decorator_list:
                if isinstance(decorator, ast.Call) and _name(decorator.func) == "handles":
                    types += [t for arg in decorator.args for t in _strings(arg, constants, path)]
    return list(dict.fromkeys(types))


def _name(func) -> str | None:
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)


def _strings(node, constants: dict, path: Path) -> list[str]:
    if isinstance(node, ast.Starred):
        node = node.value
    if isinstance(node, ast.Name) and node.id in constants:
        node = constants[node.id]
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, (ast.Tuple, ast.List)):
        return [s for element in node.elts for s in _strings(element, constants, path)]
    raise ValueError(f"{path}: subscribe with string literals (or a module-level tuple of them), "
                     f"not {ast.unparse(node)}")
