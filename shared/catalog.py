"""The events a service publishes: type, `data` schema, summary and example.

One catalog per service is the single source for three things: validation of
every event before it is stored in the outbox, the AsyncAPI document, and
docs/events.md. An event whose data does not match its schema is a bug and is
refused before anything is written.
"""
from dataclasses import dataclass, field

from marshmallow import Schema


@dataclass(frozen=True)
class EventType:
    type: str
    schema: type[Schema]
    summary: str
    example: dict
    dataversion: int = 1


@dataclass
class Catalog:
    service: str
    event_types: list[EventType] = field(default_factory=list)

    def __post_init__(self):
        self._by_type = {e.type: e for e in self.event_types}

    def __iter__(self):
        return iter(self.event_types)

    def get(self, type_: str) -> EventType:
        try:
            return self._by_type[type_]
        except KeyError:
            raise KeyError(f"{self.service} does not publish {type_!r}; add it to its catalog") from None

    def validated(self, type_: str, data: dict) -> dict:
        """Return `data` as the schema dumps it; raise ValueError if it does not match."""
        schema = self.get(type_).schema()
        errors = schema.validate(data)
        if errors:
            raise ValueError(f"{type_} data does not match its schema: {errors}")
        return schema.dump(schema.load(data))
