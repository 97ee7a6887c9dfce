"""klien's Redis: client records with their uniqueness slots, list and search indexes (the attention
list among them), history and guidance view. Reads through the transaction (watched), writes queued
on it until it commits."""
import json

from services.klien import domain, keys
from shared.errors import Conflict, Invalid
from shared.pagination import decode_cursor, encode_cursor, index_member, member_id, member_sort_key
from shared.records import load_many, load_or_404

SCAN_BUDGET = 1000                                  # index entries one list page may examine
# Move a client's attention entry when its register number changes, inside the change's MULTI.
_RENAME = "if redis.call('ZREM', KEYS[1], ARGV[1]) == 1 then redis.call('ZADD', KEYS[1], 0, ARGV[2]) end"


def _listed(client: dict) -> str:
    return index_member(domain.register_key(client["register_number"]), client["id"])


class ClientRepository:
    def __init__(self, tx):
        self.tx = tx
        self.redis = tx.pipe

    def get(self, client_id: str) -> domain.Client:
        self.tx.watch(keys.client(client_id))
        return load_or_404(self.redis, keys.client(client_id), "client", client_id)

    def claim(self, before: domain.Client | None, after: domain.Client) -> None:
        """Refuse a register number another client has, or the NIK of another active client.
        The slots read are WATCHed, so two requests claiming the same value cannot both win."""
        slots = {}
        if before is None or keys.register_slot(after["register_number"]) != keys.register_slot(
                before["register_number"]):
            slots["register"] = keys.register_slot(after["register_number"])
        if after["status"] == domain.ACTIVE and (before is None or before["nik"] != after["nik"]):
            slots["nik"] = keys.nik_slot(after["nik"])
        if not slots:
            return
        self.tx.watch(*slots.values())
        owners = dict(zip(slots, self.redis.mget(*slots.values())))
        if owners.get("register") not in (None, after["id"]):
            raise Conflict(f"register number {after['register_number']} is already registered "
                           f"(client {owners['register']})")
        if owners.get("nik") not in (None, after["id"]):
            raise Conflict(f"an active client (client {owners['nik']}) already has this NIK; "
                           "end that supervision or correct the NIK")

    def save(self, before: domain.Client | None, after: domain.Client, entry: domain.HistoryEntry) -> None:
        def write(pipe):
            pipe.set(keys.client(after["id"]), json.dumps(after))
            _keep_unique(pipe, before, after)
            old, new = (domain.index_members(before) if before else set()), domain.index_members(after)
            for name, member in old - new:
                pipe.zrem(keys.index(name), member)
            for name, member in new - old:
                pipe.zadd(keys.index(name), {member: 0})
            if before and _listed(before) != _listed(after):
                pipe.eval(_RENAME, 1, keys.attention(), _listed(before), _listed(after))
            pipe.rpush(keys.history(after["id"]), json.dumps(entry))

        self.tx.queue(write)

    def keep_attention(self, client: domain.Client, flagged: bool) -> None:
        """The client in the attention list, or out of it, as its flags (either source) say."""
        if flagged:
            self.tx.queue(lambda pipe: pipe.zadd(keys.attention(), {_listed(client): 0}))
        else:
            self.tx.queue(lambda pipe: pipe.zrem(keys.attention(), _listed(client)))

    def guidance(self, client_id: str) -> list[dict]:
        self.tx.watch(keys.guidance(client_id))
        return [json.loads(v) for v in self.redis.hvals(keys.guidance(client_id))]

    def save_guidance(self, client_id: str, entry: dict) -> None:
        self.tx.queue(lambda pipe: pipe.hset(keys.guidance(client_id), entry["enrollment_id"], json.dumps(entry)))

    def history(self, client_id: str, cursor: str | None, limit: int) -> tuple[list[dict], str | None]:
        start = _position(cursor) if cursor else 0
        entries = self.redis.lrange(keys.history(client_id), start, start + limit)
        more = len(entries) > limit
        return [json.loads(e) for e in entries[:limit]], (encode_cursor(f"{start + limit}|h") if more else None)

    def whole_history(self, client_id: str) -> list[dict]:
        return [json.loads(e) for e in self.redis.lrange(keys.history(client_id), 0, -1)]

    def search(self, filters: dict, query_words: list[str], cursor: str | None, limit: int,
               attention: bool | None = None) -> tuple[list[dict], str | None]:
        """One page of clients matching every filter, in register number order (or search-term order
        when there are query words); `attention` True lists only flagged clients, False only the others.

        The page walks one index (the search terms, or the smallest filter index) and checks the
        other filters on the records, examining at most SCAN_BUDGET entries: a page may hold fewer
        than `limit` items and still have a next_cursor, and a page costs the same however many
        clients there are."""
        key, low, high, accept = self._plan(filters, query_words, attention)
        start = "(" + decode_cursor(cursor) if cursor else low
        items, last, budget = [], None, SCAN_BUDGET
        while budget > 0 and len(items) < limit:
            batch = self.redis.zrangebylex(key, start, high, start=0, num=min(budget, max(limit, 50)))
            if not batch:
                break
            budget -= len(batch)
            for member, client in zip(batch, load_many(self.redis, [keys.client(member_id(m)) for m in batch])):
                last = member
                if client is not None and accept(client, member):
                    items.append(client)
                    if len(items) == limit:
                        break
            start = "(" + last
        more = last is not None and self.redis.zrangebylex(key, "(" + last, high, start=0, num=1)
        return items, (encode_cursor(last) if more else None)

    def _plan(self, filters: dict, query_words: list[str], attention: bool | None):
        def fits(client: dict) -> bool:
            return all(client[name] == value for name, value in filters.items()) and (
                attention is None or (self.redis.zscore(keys.attention(), _listed(client)) is not None) == attention)

        if query_words:
            prefix = max(query_words, key=len)

            def accept(client, member):
                return (fits(client) and domain.matches(client, query_words)
                        and domain.canonical_term(client, prefix) == member_sort_key(member))

            return keys.index("q"), "[" + prefix, "(" + prefix + "\U0010ffff", accept
        candidates = [keys.index(domain.filter_index(name, value)) for name, value in filters.items()]
        if attention:
            candidates.append(keys.attention())
        key = min(candidates or [keys.index("all")], key=self.redis.zcard)
        return key, "-", "+", lambda client, _member: fits(client)


def _position(cursor: str) -> int:
    position = decode_cursor(cursor).split("|")[0]
    if not (position.isascii() and position.isdigit() and len(position) <= 9):
        raise Invalid({"cursor": ["not a cursor of this history; use next_cursor from the previous page"]})
    return int(position)


def _keep_unique(pipe, before: domain.Client | None, after: domain.Client) -> None:
    register = keys.register_slot(after["register_number"])
    if before and keys.register_slot(before["register_number"]) != register:
        pipe.delete(keys.register_slot(before["register_number"]))
    pipe.set(register, after["id"])
    if before and before["status"] == domain.ACTIVE:
        pipe.delete(keys.nik_slot(before["nik"]))
    if after["status"] == domain.ACTIVE:
        pipe.set(keys.nik_slot(after["nik"]), after["id"])
