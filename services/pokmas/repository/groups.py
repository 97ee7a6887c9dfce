"""Groups: the record, its unique name and its list indexes."""
from services.pokmas import domain, keys
from shared import jsontext
from shared.errors import Conflict
from shared.pagination import index_member, member_id
from shared.records import load, load_many, load_or_404, move, page_of


def group_member(group: dict) -> str:
    return index_member(domain.name_key(group["name"]), group["id"])


class GroupRepository:
    def __init__(self, tx):
        self.tx = tx
        self.redis = tx.pipe

    def get(self, group_id: str) -> domain.Group:
        self.tx.watch(keys.group(group_id))
        return load_or_404(self.redis, keys.group(group_id), "group", group_id)

    def find(self, group_id: str) -> domain.Group | None:
        return load(self.redis, keys.group(group_id))

    def exists(self, group_id: str) -> bool:
        self.tx.watch(keys.group(group_id))
        return bool(self.redis.exists(keys.group(group_id)))

    def claim_name(self, group: domain.Group) -> None:
        """Refuse a name another group of the region has (any case, any spacing)."""
        slot = keys.group_name_slot(domain.name_key(group["name"]))
        self.tx.watch(slot)
        owner = self.redis.get(slot)
        if owner is not None and owner != group["id"]:
            raise Conflict(f"a group with this name is already registered in the region (group {owner})")

    def save(self, before: domain.Group | None, after: domain.Group) -> None:
        def write(pipe):
            pipe.set(keys.group(after["id"]), jsontext.dumps(after))
            slot = keys.group_name_slot(domain.name_key(after["name"]))
            old_slot = keys.group_name_slot(domain.name_key(before["name"])) if before is not None else slot
            if old_slot != slot:  # renamed: the old name is free again
                pipe.delete(old_slot)
            pipe.set(slot, after["id"])
            move(pipe, keys.group_indexes(before) if before else [], group_member(before) if before else None,
                 keys.group_indexes(after), group_member(after))

        self.tx.queue(write)

    def page(self, filters: dict, cursor: str | None, limit: int) -> tuple[list[dict], str | None]:
        return page_of(self.redis, keys.group_index(filters), cursor, limit, keys.group)

    def of_office(self, office: str) -> list[domain.Group]:
        """Every group of a BAPAS office (bounded by one office's size)."""
        ids = [member_id(m) for m in self.redis.zrangebylex(keys.office_groups(office), "-", "+")]
        return [g for g in load_many(self.redis, [keys.group(i) for i in ids]) if g]

    def clients_served(self, group_id: str) -> int:
        """Distinct clients ever enrolled in the group's programs."""
        return len(set(self.redis.hvals(keys.served(group_id))))
