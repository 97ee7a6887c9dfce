"""pokmas's stored data versions (`bapas migrate pokmas`, shared/migrate.py).

Versions before issue 12 ended an index member's sort key with "|" where it now ends with NUL
(shared.pagination.index_member): a group or agreement written again since then got a new member
beside its old one, so it showed twice in a list (and an agreement whose status changed stayed
listed under its old status too).
1. Each group's list index entries are rebuilt from its record.
2. Each agreement's list index entries and its programs' catalogue entries (open or not, from the
   agreement's status and the programs' utilization) are rebuilt from its record.
3. The old-form members are dropped from every pokmas index (after 1 and 2, so no record leaves a
   list meanwhile).
"""
import json

from services.pokmas import domain, keys
from services.pokmas.repository.agreements import program_indexes, program_member
from services.pokmas.repository.groups import group_member
from shared.migrate import Rebuild, old_members_dropped, reindex
from shared.pagination import index_member


def group_entries(_pipe, group: dict) -> list[tuple[str, str]]:
    return [(index, group_member(group)) for index in keys.group_indexes(group)]


def agreement_entries(pipe, agreement: dict) -> list[tuple[str, str]]:
    """The agreement in its lists, each program in the catalogue (open or not: its utilization, watched)."""
    member = index_member(agreement["created_at"], agreement["id"])
    entries = [(index, member) for index in keys.agreement_indexes(agreement)]
    for program in agreement["programs"]:
        pipe.watch(keys.utilization(program["id"]))
        active = domain.utilization([json.loads(v) for v in pipe.hvals(keys.utilization(program["id"]))])["active"]
        entries += [(index, program_member(program)) for index in program_indexes(agreement, program, active)]
    return entries


MIGRATIONS = [
    Rebuild(1, "group list index entries rebuilt from each group", keys.group("*"),
            reindex(keys.group, group_entries)),
    Rebuild(2, "agreement list and program catalogue entries rebuilt from each agreement", keys.agreement("*"),
            reindex(keys.agreement, agreement_entries)),
    old_members_dropped(3, keys.PREFIX),
]
