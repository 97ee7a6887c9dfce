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
"""
import json

from services.pokmas import domain, keys
from services.pokmas.repository.agreements import program_indexes, program_member
from services.pokmas.repository.groups import group_member
from shared.migrate import Rebuild, of_record, reindex, unbacked_dropped
from shared.pagination import index_member


def group_entries(_pipe, group: dict, _settings=None) -> list[tuple[str, str]]:
    return [(index, group_member(group)) for index in keys.group_indexes(group)]


def agreement_entries(pipe, agreement: dict, _settings=None) -> list[tuple[str, str]]:
    """The agreement in its lists, each program in the catalogue (open or not: its utilization, watched)."""
    member = index_member(agreement["created_at"], agreement["id"])
    entries = [(index, member) for index in keys.agreement_indexes(agreement)]
    for program in agreement["programs"]:
        pipe.watch(keys.utilization(program["id"]))
        active = domain.utilization([json.loads(v) for v in pipe.hvals(keys.utilization(program["id"]))])["active"]
        entries += [(index, program_member(program)) for index in program_indexes(agreement, program, active)]
    return entries


def of_program(pipe, program_id: str, settings) -> list | None:
    """A program's catalogue entries are its agreement's (the program key names the agreement)."""
    pipe.watch(keys.program(program_id))
    agreement_id = pipe.get(keys.program(program_id))
    return of_record(keys.agreement, agreement_entries)(pipe, agreement_id, settings) if agreement_id else None


MIGRATIONS = [
    Rebuild(1, "group list index entries rebuilt from each group", keys.group("*"),
            reindex(keys.group, group_entries)),
    Rebuild(2, "agreement list and program catalogue entries rebuilt from each agreement", keys.agreement("*"),
            reindex(keys.agreement, agreement_entries)),
    unbacked_dropped(3, keys.PREFIX, {
        "groups": of_record(keys.group, group_entries), "agreements": of_record(keys.agreement, agreement_entries),
        "programs": of_program}),
]
