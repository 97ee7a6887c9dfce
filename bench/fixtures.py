"""Data the write benchmarks need: active programs to enroll into, and clients known to bimbingan."""
import uuid

from tests.support import faults_payloads as payloads


class Programs:
    """Programs of one active agreement, or stand-in ids while pokmas cannot make them yet."""

    def __init__(self, pokmas, count: int = 20, capacity: int = 5000):
        self.note = ""
        self.ids = self._create(pokmas, count, capacity)

    def _create(self, pokmas, count: int, capacity: int) -> list[str]:
        group = pokmas.post("/groups", json=payloads.group())
        agreement = pokmas.post("/agreements", json=payloads.agreement(group.json().get("id", ""), count, capacity)) \
            if group.status_code == 201 else None
        if agreement is None or agreement.status_code != 201:
            status = group.status_code if agreement is None else agreement.status_code
            self.note = f"pokmas could not create an agreement ({status}): enrollments name stand-in program ids"
            return [str(uuid.uuid4()) for _ in range(count)]
        body = agreement.json()
        activated = pokmas.post(f"/agreements/{body['id']}/activate", json={})
        if activated.status_code not in (200, 201):
            self.note = f"agreement activation answered {activated.status_code}"
        return [program["id"] for program in body["programs"]]

    def bodies(self, client_ids: list[str]) -> list[dict]:
        """One enrollment per client, spread over the programs."""
        return [{"client_id": client_id, "program_id": self.ids[n % len(self.ids)]}
                for n, client_id in enumerate(client_ids)]
