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
  unchanged: text, canonical UUIDs, YYYY-MM-DD dates, passing the field's validators) is taken as it
  is, without marshmallow's load and dump (a third of a client event's CPU in a worker); anything else
  goes through the schema, which decides. Schemas with hooks or other fields always do.
- `reads=` (optional) says beforehand what a handler reads: `reads(event)` gives (command, key)
  tuples, e.g. `("GET", key)`; a batch sends every event's planned reads in one round trip and
  the handler's same reads are answered from there (shared/batch_pipe.py). A plan that misses
  a read costs that read's round trip, never a wrong answer.
- `declared(service)` reads the event types from services/<service>/handlers.py without importing
  it (string literals in the decorators, or module-level tuples of them): relays declare every
  consumer's queue from it, so no service imports another.
"""
import ast
import datetime
import uuid
from pathlib import Path
from typing import Callable

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields

SERVICES_DIR = Path(__file__).resolve().parent.parent / "services"


class Subscriptions:
    def __init__(self):
        self._handlers: dict[str, tuple[Callable, "_Checked", Callable | None]] = {}

    def handles(self, *event_types: str, data: type[Schema], reads: Callable | None = None):
        def register(handler: Callable) -> Callable:
            for event_type in event_types:
                if event_type in self._handlers:
                    raise ValueError(f"{event_type} is handled twice")
                self._handlers[event_type] = (handler, _Checked(data()), reads)
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


def validated(schema, event: dict) -> dict:
    if isinstance(schema, _Checked):
        plain = schema.plainly_valid(event["data"])
        if plain is not None:
            return plain
        schema = schema.schema
    try:
        return schema.dump(schema.load(event["data"]))
    except ValidationError as exc:
        raise ValueError(f"{event['type']} {event['id']}: data does not match: {exc.messages}") from None


def _text(value):
    return value if type(value) is str else None


def _canonical_uuid(value):
    """A UUID as marshmallow's UUID field dumps it (lower case, hyphens), else None."""
    if type(value) is not str or len(value) != 36:
        return None
    try:
        return value if str(uuid.UUID(value)) == value else None
    except ValueError:
        return None


def _iso_date(value):
    """YYYY-MM-DD of a real date, as IsoDate dumps the date it loads, else None."""
    if type(value) is not str or len(value) != 10 or not value.isascii():
        return None
    try:
        return value if datetime.date.fromisoformat(value).isoformat() == value else None
    except ValueError:
        return None


class _Checked:
    """A schema with the fast path `plainly_valid`: data its load and dump would give back unchanged."""

    def __init__(self, schema: Schema):
        self.schema = schema
        self._plan = self._planned(schema)

    def __getattr__(self, name):
        return getattr(self.schema, name)

    @staticmethod
    def _planned(schema: Schema):
        """(name, check, validators, allow_none) per field, or None: the schema alone decides its data."""
        from shared.fields import IsoDate
        if any(schema._hooks.values()) or schema.unknown not in (EXCLUDE, RAISE) \
                or list(schema.load_fields) != list(schema.dump_fields):
            return None
        plan = []
        for name, field in schema.load_fields.items():
            kind = type(field)
            if kind is fields.String:
                check = _text
            elif kind is fields.UUID and not field.validators:
                check = _canonical_uuid
            elif kind is IsoDate and not field.validators and field.format in (None, "iso"):
                check = _iso_date
            else:
                return None
            if field.data_key not in (None, name) or field.attribute not in (None, name) \
                    or getattr(field, "pre_load", None) or getattr(field, "post_load", None):
                return None
            plan.append((name, check, tuple(field.validators), field.allow_none))
        return plan

    def plainly_valid(self, data) -> dict | None:
        """`data`'s declared fields, each unchanged, when the schema's load and dump would give exactly that;
        None when the schema must decide (a field missing, a value of another form, a refused value)."""
        plan = self._plan
        if plan is None or type(data) is not dict:
            return None
        if self.schema.unknown == RAISE and len(data) != len(plan):
            return None
        out = {}
        for name, check, validators, allow_none in plan:
            if name not in data:
                return None
            value = data[name]
            if value is None:
                if not allow_none:
                    return None
                out[name] = None
                continue
            if check(value) is None:
                return None
            for validator in validators:
                try:
                    if validator(value) is False:
                        return None
                except Exception:
                    return None
            out[name] = value
        return out


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
