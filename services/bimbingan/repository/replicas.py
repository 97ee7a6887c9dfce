"""Replicas of what bimbingan decides on and does not own: klien's clients (their status) and pokmas's
agreements and programs (group, agreement status, guidance type, capacity), kept from their events."""
import json

from services.bimbingan import keys


class ReplicaRepository:
    def __init__(self, tx):
        self.tx = tx
        self.redis = tx.pipe

    def client(self, client_id: str) -> dict | None:
        return self.tx.read(keys.client(client_id))

    def program(self, program_id: str) -> dict | None:
        return self.tx.read(keys.program(program_id))

    def agreement(self, agreement_id: str) -> dict | None:
        return self.tx.read(keys.agreement(agreement_id))

    def knows_client(self, client_id: str) -> bool:
        return bool(self.redis.exists(keys.client(client_id)))

    def knows_program(self, program_id: str) -> bool:
        return bool(self.redis.exists(keys.program(program_id)))

    def knows_all(self, client_ids: list[str] = (), program_ids: list[str] = ()) -> bool:
        """Whether every one of these clients and programs has a replica (one EXISTS)."""
        names = [keys.client(i) for i in client_ids] + [keys.program(i) for i in program_ids]
        return self.redis.exists(*names) == len(names)

    def save_client(self, client: dict) -> None:
        self.tx.queue(lambda pipe: pipe.set(keys.client(client["id"]), json.dumps(client)))

    def save_agreement(self, agreement: dict, programs: list[dict], dropped: set[str]) -> None:
        def write(pipe):
            pipe.set(keys.agreement(agreement["id"]), json.dumps(agreement))
            for program_id in dropped:
                pipe.delete(keys.program(program_id))
            for program in programs:
                pipe.set(keys.program(program["id"]), json.dumps(program))

        self.tx.queue(write)
