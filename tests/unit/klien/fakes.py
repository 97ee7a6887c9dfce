"""klien's repository in memory."""
from services.klien import domain
from services.klien.events import CATALOG
from services.klien.usecases import Clients, Reporting
from shared.errors import Conflict
from tests.unit.fakes import FakeIdempotency, FakeStore, FakeUnitOfWork, check_shape


class FakeClientRepository:
    def __init__(self, uow):
        self.uow = uow
        self.clients = FakeStore(uow, "client", domain.Client)
        self.histories: dict[str, list] = {}
        self.guidance_entries: dict[str, dict] = {}
        self.programs: dict[str, dict] = {}
        self.groups: dict[str, dict] = {}
        # The wajib lapor flag each write was told of: with the guidance's, it lists a client as needing attention.
        self.reporting_flags: dict[str, bool] = {}
        # Each client's next open due date, as the writes told of it (the due lists' sort key).
        self.next_dues: dict[str, str | None] = {}

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

    def save(self, before, after, entry, reporting_flagged=False, next_due=(None, None)):
        check_shape(domain.HistoryEntry, entry)
        self.clients.put(after)
        self.uow.queue(lambda: self.histories.setdefault(after["id"], []).append(entry))
        self._flag(after["id"], reporting_flagged)
        self.keep_next_due(after, *next_due)

    def keep_next_due(self, client, before, after):
        assert self.next_dues.get(client["id"]) == before, "told of a move from a date it was not listed by"
        self.uow.queue(lambda: self.next_dues.__setitem__(client["id"], after))

    def keep_attention(self, client, reporting_flagged):
        self._flag(client["id"], reporting_flagged)

    def _flag(self, client_id, reporting_flagged):
        self.uow.queue(lambda: self.reporting_flags.__setitem__(client_id, reporting_flagged))

    def guidance(self, client_id):
        return list(self.guidance_entries.get(client_id, {}).values())

    def save_guidance(self, client_id, entry, reporting_flagged=False):
        self.uow.queue(lambda: self.guidance_entries.setdefault(client_id, {}).__setitem__(entry["enrollment_id"],
                                                                                           entry))
        self._flag(client_id, reporting_flagged)

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

    def search(self, filters, query_words, cursor, limit, *, attention=None, nik=None, ending=None, due_by=None):
        def fits(client):
            due = self.next_dues.get(client["id"]) if client["status"] == domain.ACTIVE else None
            return (domain.matches(client, query_words) and (nik is None or client["nik"] == nik)
                    and (due_by is None or (due is not None and due <= due_by))
                    and (attention is None or self._flagged(client["id"]) == attention)
                    and (ending is None or (client["status"] == domain.ACTIVE
                                            and ending[0] <= client["supervision_end"] <= ending[1])))

        order = (lambda c: c["supervision_end"]) if ending else (lambda c: domain.register_key(c["register_number"]))
        if due_by:
            order = lambda c: self.next_dues[c["id"]]                       # noqa: E731
        return [c for c in self.clients.matching(filters, order) if fits(c)][:limit], None

    def _flagged(self, client_id):
        return self.reporting_flags.get(client_id, False) or domain.needs_attention(self.guidance(client_id))


class FakeReportingRepository:
    def __init__(self, uow):
        self.uow = uow
        self.records: dict[str, dict] = {}
        self.check_ins_by_client: dict[str, list] = {}
        self.looks: dict[str, object] = {}

    def get(self, client_id):
        return self.records.get(client_id)

    def of_clients(self, client_ids):
        return {i: self.records[i] for i in client_ids if i in self.records}

    def save(self, record):
        self.uow.queue(lambda: self.records.__setitem__(record["client_id"], record))

    def save_check_in(self, check_in):
        self.uow.queue(lambda: self.check_ins_by_client.setdefault(check_in["client_id"], []).append(check_in))

    def look_on(self, client_id, day):
        def write():
            if day is None:
                self.looks.pop(client_id, None)
            else:
                self.looks[client_id] = day
        self.uow.queue(write)

    def to_look_at(self, today):
        return [client_id for client_id, day in self.looks.items() if day <= today]

    def check_ins(self, client_id, cursor, limit):
        return self.check_ins_by_client.get(client_id, [])[:limit], None

    def all_check_ins(self, client_id):
        return list(self.check_ins_by_client.get(client_id, []))


class FakeGatherer:
    def gather(self, client_id):
        return {"bimbingan": {"enrollments": []}, "pokmas": {"groups": [], "agreements": []}}


def unit_of_work() -> FakeUnitOfWork:
    return FakeUnitOfWork(CATALOG, clients=FakeClientRepository, reporting=FakeReportingRepository,
                          idempotency=FakeIdempotency)


def clients(uow=None) -> Clients:
    return Clients(uow or unit_of_work(), FakeGatherer())


def wajib_lapor(uow, today) -> Reporting:
    return Reporting(uow, grace_days=3, today=lambda: today)
