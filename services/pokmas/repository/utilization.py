"""The utilization view, kept from bimbingan's enrollment events: one entry per enrollment per program
(its newest status and client), each program's counts kept beside its entries, and per group the clients
its programs served."""
import json

from services.pokmas import domain, keys
from shared import jsontext

COUNTS = {"enrolled", *domain.COUNTED.values()}    # what a program's kept counts hold


def derived_counts(reader, program_id: str) -> dict:
    """A program's counts derived from every entry it has (what its kept counts must equal): for data from
    before the counts were kept, and for the migration that keeps them."""
    return domain.utilization([json.loads(raw) for raw in reader.hvals(keys.utilization(program_id))])


class UtilizationRepository:
    def __init__(self, tx):
        self.tx = tx
        self.redis = tx.pipe

    def entry(self, program_id: str, enrollment_id: str) -> dict | None:
        """The enrollment's entry in the program's view (watched), None if it has none yet."""
        self.tx.watch(keys.utilization(program_id))
        raw = self.redis.hget(keys.utilization(program_id), enrollment_id)
        return jsontext.loads(raw) if raw else None

    def counts(self, program_ids: list[str]) -> dict[str, dict]:
        """Each program's utilization (watched: the catalogue's open index depends on it), in one round trip
        whatever the number of its enrollments. Counts that do not count every entry the program has are
        derived from its entries instead (and then kept so by the next event): those of data from before
        pokmas's data version 4, and those a view rebuild meets after the entries were lost."""
        if not program_ids:
            return {}
        count_keys = [keys.utilization_counts(pid) for pid in program_ids]
        entry_keys = [keys.utilization(pid) for pid in program_ids]
        self.tx.watch(*count_keys, *entry_keys)
        replies = self.tx.read_together(*[command for pid in program_ids for command in (
            ("HGETALL", keys.utilization_counts(pid)), ("HLEN", keys.utilization(pid)))])
        counts = {}
        for pid, kept, entries in zip(program_ids, replies[::2], replies[1::2]):
            kept = {name: int(value) for name, value in kept.items()}
            whole = set(kept) == COUNTS and kept["enrolled"] == entries
            counts[pid] = kept if whole else derived_counts(self.redis, pid)
        return counts

    def save(self, program_id: str, group_id: str, enrollment_id: str, entry: dict, counts: dict) -> None:
        """The enrollment's entry and the program's counts with it: they change together or not at all."""
        def write(pipe):
            pipe.hset(keys.utilization(program_id), enrollment_id, json.dumps(entry))
            pipe.hset(keys.utilization_counts(program_id), mapping=counts)
            pipe.hset(keys.served(group_id), enrollment_id, entry["client_id"])

        self.tx.queue(write)
