"""Redis key names of the backbone, per service. Each service's keys start with its name.

Services never touch another service's prefix; that is the "none reads
another's store" rule in one place.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class BackboneKeys:
    service: str

    @property
    def outbox(self) -> str:
        """Stream of every event this service published; also the /events feed."""
        return f"{self.service}:outbox"

    @property
    def outbox_index(self) -> str:
        """Hash event id -> stream id, so /events?after=<event id> can find its place."""
        return f"{self.service}:outbox:index"

    @property
    def relay_position(self) -> str:
        return f"{self.service}:relay:position"

    @property
    def relay_lock(self) -> str:
        return f"{self.service}:relay:lock"

    def inbox(self, event_id: str) -> str:
        return f"{self.service}:inbox:{event_id}"

    def applied(self, subject: str) -> str:
        """Highest `sequence` applied for an aggregate of another service."""
        return f"{self.service}:applied:{subject}"

    def attempts(self, event_id: str) -> str:
        return f"{self.service}:attempts:{event_id}"

    def feed_position(self, source: str) -> str:
        return f"{self.service}:feed:{source}"

    @property
    def stats(self) -> str:
        return f"{self.service}:stats"

    @property
    def workers(self) -> str:
        return f"{self.service}:workers"

    def schedule(self, task: str) -> str:
        return f"{self.service}:schedule:{task}"
