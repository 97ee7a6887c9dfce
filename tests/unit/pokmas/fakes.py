"""pokmas's repositories in memory."""
from datetime import date

from services.pokmas import domain
from services.pokmas.events import CATALOG
from services.pokmas.usecases import Agreements, Catalogue, Groups, Utilization
from shared.errors import Conflict
from tests.unit.fakes import FakeStore, FakeUnitOfWork, check_shape


class FakeGroupRepository:
    def __init__(self, uow):
        self.uow = uow
        self.groups = FakeStore(uow, "group", domain.Group)
        self.served: dict[str, dict] = {}

    def get(self, group_id):
        return self.groups.get(group_id)

    def find(self, group_id):
        return self.groups.find(group_id)

    def exists(self, group_id):
        return group_id in self.groups.records

    def claim_name(self, group):
        for other in self.groups.records.values():
            if other["id"] != group["id"] and domain.name_key(other["name"]) == domain.name_key(group["name"]):
                raise Conflict("a group with this name is already registered in the region")

    def save(self, before, after):
        self.groups.put(after)

    def page(self, filters, cursor, limit):
        return self.groups.matching(filters, lambda g: domain.name_key(g["name"]))[:limit], None

    def of_office(self, office):
        return self.groups.matching({"bapas_office": office}, lambda g: g["id"])

    def clients_served(self, group_id):
        return len(set(self.served.get(group_id, {}).values()))


class FakeAgreementRepository:
    def __init__(self, uow):
        self.uow = uow
        self.agreements = FakeStore(uow, "agreement", domain.Agreement)
        self.open_programs: dict[str, bool] = {}      # program id -> listed as open in the catalogue

    def get(self, agreement_id):
        return self.agreements.get(agreement_id)

    def find(self, agreement_id):
        return self.agreements.find(agreement_id)

    def of_program(self, program_id):
        return next((a for a in self.agreements.records.values() if domain.find_program(a, program_id)), None)

    def claim_number(self, number):
        if any(domain.name_key(a["number"]) == domain.name_key(number) for a in self.agreements.records.values()):
            raise Conflict(f"PKS number {number} is already recorded")

    def save(self, before, after, counts):
        for program in after["programs"]:
            check_shape(domain.Program, program)
        self.agreements.put(after)
        new = [p["id"] for p in after["programs"] if not before or not domain.find_program(before, p["id"])]
        self.uow.queue(lambda: self.uow.utilization.kept.update({pid: dict(counts[pid]) for pid in new}))
        self.uow.queue(lambda: self.open_programs.update(
            {p["id"]: domain.is_open(after["status"], p["capacity"], counts[p["id"]]["active"])
             for p in after["programs"]}))

    def move_program(self, agreement, program, active_before, active_after):
        is_open = domain.is_open(agreement["status"], program["capacity"], active_after)
        self.uow.queue(lambda: self.open_programs.__setitem__(program["id"], is_open))

    def page(self, filters, cursor, limit):
        return self.agreements.matching(filters, lambda a: (a["created_at"], a["id"]))[:limit], None

    def of_group(self, group_id):
        return self.agreements.matching({"group_id": group_id}, lambda a: a["id"])

    def due(self, today: date):
        return [a["id"] for a in self.agreements.records.values()
                if a["status"] == domain.ACTIVE and a["valid_until"] < today.isoformat()]

    def programs_page(self, filters, cursor, limit):
        listed = [(p["id"], a) for a in self.agreements.records.values() for p in a["programs"]
                  if (filters.get("group_id") is None or a["group_id"] == filters["group_id"])
                  and (filters.get("guidance_type") is None or p["guidance_type"] == filters["guidance_type"])
                  and (filters.get("open") is None or str(self.open_programs[p["id"]]).lower() == filters["open"])]
        return listed[:limit], None


class FakeUtilizationRepository:
    """Entries and counts kept apart, as in Redis: the counts are what the use cases kept, never derived here
    (except where none were kept, as the repository does)."""

    def __init__(self, uow):
        self.uow = uow
        self.by_program: dict[str, dict] = {}
        self.kept: dict[str, dict] = {}           # program id -> its counts

    def entry(self, program_id, enrollment_id):
        return self.by_program.get(program_id, {}).get(enrollment_id)

    def counts(self, program_ids):
        return {pid: dict(self.kept[pid]) if pid in self.kept
                else domain.utilization(list(self.by_program.get(pid, {}).values())) for pid in program_ids}

    def save(self, program_id, group_id, enrollment_id, entry, counts):
        def write():
            self.by_program.setdefault(program_id, {})[enrollment_id] = entry
            self.kept[program_id] = dict(counts)
            self.uow.groups.served.setdefault(group_id, {})[enrollment_id] = entry["client_id"]

        self.uow.queue(write)


def unit_of_work() -> FakeUnitOfWork:
    return FakeUnitOfWork(CATALOG, groups=FakeGroupRepository, agreements=FakeAgreementRepository,
                          utilization=FakeUtilizationRepository)


def use_cases(today: date):
    uow = unit_of_work()
    return (Groups(uow), Agreements(uow, today=lambda: today), Catalogue(uow, today=lambda: today),
            Utilization(), uow)
