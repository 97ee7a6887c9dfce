"""pokmas's stored data versions (`bapas migrate pokmas`, shared/migrate.py).

Versions before issue 12 ended an index member's sort key with "|" where it now ends with NUL
(shared.pagination.index_member): a group or agreement written again since then got a new member
beside its old one, so it showed twice in a list (and an agreement whose status changed stayed
listed under its old status too).
1. Each group's list index entries are rebuilt from its record.
2. Each agreement's list index entries and its programs' catalogue entries (open or not, from the
   agreement's status and the programs' utilization) are rebuilt from its record.
3. Entries no record backs are dropped from every pokmas list index: the old-form ones, and those an
   older release left after a rollback for a record it moved (after 1 and 2, so no record leaves a
   list meanwhile).
4. Each program's utilization counts are kept beside its entries (bimbingan's events have kept them since,
   in the same transaction as the entry): derived once from its entries. Until then a program without
   them has them derived at every read, which grows with its enrollments.
"""
from services.pokmas import domain, keys
from services.pokmas.repository.agreements import program_indexes, program_member
from services.pokmas.repository.groups import group_member
from services.pokmas.repository.utilization import derived_counts
from shared.migrate import Rebuild, Step, of_record, reindex, unbacked_dropped
from shared.pagination import index_member
from shared.records import load


def group_entries(_pipe, group: dict, _settings=None) -> list[tuple[str, str]]:
    return [(index, group_member(group)) for index in keys.group_indexes(group)]


def agreement_entries(pipe, agreement: dict, _settings=None) -> list[tuple[str, str]]:
    """The agreement in its lists, each program in the catalogue (open or not: its utilization, watched)."""
    member = index_member(agreement["created_at"], agreement["id"])
    entries = [(index, member) for index in keys.agreement_indexes(agreement)]
    for program in agreement["programs"]:
        pipe.watch(keys.utilization(program["id"]))
        active = derived_counts(pipe, program["id"])["active"]
        entries += [(index, program_member(program)) for index in program_indexes(agreement, program, active)]
    return entries


def of_program(pipe, program_id: str, settings) -> list | None:
    """A program's catalogue entries are its agreement's (the program key names the agreement)."""
    pipe.watch(keys.program(program_id))
    agreement_id = pipe.get(keys.program(program_id))
    return of_record(keys.agreement, agreement_entries)(pipe, agreement_id, settings) if agreement_id else None


def counts_kept(pipe, key: str, _settings) -> Step:
    """The program at `key` with its counts kept, as its entries give them (both watched: an event applied
    meanwhile changes them together, and the step runs again)."""
    if pipe.type(key) != "string":
        return Step(None)
    program_id = key.rsplit(":", 1)[1]
    pipe.watch(keys.utilization(program_id), keys.utilization_counts(program_id))
    counts = derived_counts(pipe, program_id)
    if {name: int(value) for name, value in pipe.hgetall(keys.utilization_counts(program_id)).items()} == counts:
        return Step(None)
    return Step(lambda p: p.hset(keys.utilization_counts(program_id), mapping=counts))


def slot_claimed(slot_of):
    """A rebuild step: the record's uniqueness slot (`slot_of(record)`) names it, unless another record holds
    it already (two records the old hash let share a name: noted for a person, the first one keeps it)."""
    def step(pipe, key: str, _settings) -> Step:
        record = load(pipe, key)
        if record is None:
            return Step(None)
        slot = slot_of(record)
        pipe.watch(slot)
        owner = pipe.get(slot)
        if owner == record["id"]:
            return Step(None)
        if owner is not None:
            return Step(None, (f"{key} shares its name or number with {owner}: only {owner} holds it",))
        return Step(lambda p: p.set(slot, record["id"]))
    return step


MIGRATIONS = [
    Rebuild(1, "group list index entries rebuilt from each group", keys.group("*"),
            reindex(keys.group, group_entries)),
    Rebuild(2, "agreement list and program catalogue entries rebuilt from each agreement", keys.agreement("*"),
            reindex(keys.agreement, agreement_entries)),
    unbacked_dropped(3, keys.PREFIX, {
        "groups": of_record(keys.group, group_entries), "agreements": of_record(keys.agreement, agreement_entries),
        "programs": of_program}),
    Rebuild(4, "each program's utilization counts kept from its entries", keys.program("*"), counts_kept),
    Rebuild(5, "each group's name in a slot of its own", keys.group("*"),
            slot_claimed(lambda group: keys.group_name_slot(domain.name_key(group["name"])))),
    Rebuild(6, "each agreement's PKS number in a slot of its own", keys.agreement("*"),
            slot_claimed(lambda agreement: keys.agreement_number_slot(domain.name_key(agreement["number"])))),
]
