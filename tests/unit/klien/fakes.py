"""klien's repository in memory."""
from services.klien import domain
from services.klien.events import CATALOG
from services.klien.usecases import Clients
from shared.errors import Conflict
from tests.unit.fakes import FakeStore, FakeUnitOfWork, check_shape


class FakeClientRepository:
    def __init__(self, uow):
        self.uow = uow
        self.clients = FakeStore(uow, "client", domain.Client)
        self.histories: dict[str, list] = {}
        self.guidance_entries: dict[str, dict] = {}
        self.programs: dict[str, dict] = {}
        self.groups: dict[str, dict] = {}

    def get(self, client_id):
        return self.clients.get(client_id)

    def claim(self, before, after):
        for other in self.clients.records.values():
            if other["id"] == after["id"]:
                continue
            if domain.register_key(other["register_number"]) == domain.register_key(after["register_number"]):
                raise Conflict(f"register number {after['register_number']} is already registered")
            if after["status"] == domain.ACTIVE and other["status"] == domain.ACTIVE and other["nik"] == after["nik"]:
                raise Conflict("an active client already has this NIK")

    def save(self, before, after, entry):
        check_shape(domain.HistoryEntry, entry)
        self.clients.put(after)
        self.uow.queue(lambda: self.histories.setdefault(after["id"], []).append(entry))

    def guidance(self, client_id):
        return list(self.guidance_entries.get(client_id, {}).values())

    def save_guidance(self, client_id, entry):
        self.uow.queue(lambda: self.guidance_entries.setdefault(client_id, {}).__setitem__(entry["enrollment_id"],
                                                                                           entry))

    def names(self, entries):
        return ({e["program_id"]: self.programs[e["program_id"]] for e in entries if e["program_id"] in self.programs},
                {e["group_id"]: self.groups[e["group_id"]] for e in entries if e["group_id"] in self.groups})

    def save_programs(self, programs):
        self.uow.queue(lambda: self.programs.update({p["id"]: p for p in programs}))

    def save_group(self, group):
        self.uow.queue(lambda: self.groups.__setitem__(group["id"], group))

    def history(self, client_id, cursor, limit):
        return self.histories.get(client_id, [])[:limit], None

    def whole_history(self, client_id):
        return list(self.histories.get(client_id, []))

    def search(self, filters, query_words, cursor, limit, *, attention=None, nik=None, ending=None):
        def fits(client):
            return (domain.matches(client, query_words) and (nik is None or client["nik"] == nik)
                    and (attention is None or domain.needs_attention(self.guidance(client["id"])) == attention)
                    and (ending is None or (client["status"] == domain.ACTIVE
                                            and ending[0] <= client["supervision_end"] <= ending[1])))

        order = (lambda c: c["supervision_end"]) if ending else (lambda c: domain.register_key(c["register_number"]))
        return [c for c in self.clients.matching(filters, order) if fits(c)][:limit], None


class FakeGatherer:
    def gather(self, client_id):
        return {"bimbingan": {"enrollments": []}, "pokmas": {"groups": [], "agreements": []}}


def clients() -> Clients:
    return Clients(FakeUnitOfWork(CATALOG, clients=FakeClientRepository), FakeGatherer())
