"""The events a service publishes: type, `data` schema, summary and example.

One catalog per service is the single source for three things: validation of
every event before it is stored in the outbox, the AsyncAPI document, and
docs/events.md. An event whose data does not match its schema is a bug and is
refused before anything is written.
"""
from dataclasses import dataclass, field

from marshmallow import Schema, ValidationError

from shared import projection


@dataclass(frozen=True)
class Event:
    """An event a domain function announces: its type (a constant of the domain), the aggregate it is
    about, that aggregate's version after it, and its data (checked against the catalog when staged)."""
    type: str
    subject: str
    sequence: int
    data: dict


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
        # Schema instances keep no state between calls; building one per event costs more than the check.
        self._schemas = {e.type: e.schema() for e in self.event_types}

    def __iter__(self):
        return iter(self.event_types)

    def get(self, type_: str) -> EventType:
        try:
            return self._by_type[type_]
        except KeyError:
            raise KeyError(f"{self.service} does not publish {type_!r}; add it to its catalog") from None

    def validated(self, type_: str, data: dict) -> dict:
        """Return `data` as the schema loads then dumps it (shared/projection.py: the same, without
        marshmallow's per-field machinery for the usual fields); raise ValueError if it does not match."""
        self.get(type_)
        schema = self._schemas[type_]
        try:
            return projection.validated(schema, data)
        except ValidationError as exc:
            raise ValueError(f"{type_} data does not match its schema: {exc.messages}") from None
