"""klien's Redis: client records with their uniqueness slots, list and search indexes (the attention
list among them), history and guidance view. Reads through the transaction (watched), writes queued
on it until it commits."""
import json

from services.klien import domain, keys
from shared import jsontext
from shared.errors import Conflict, Invalid
from shared.pagination import decode_cursor, encode_cursor, index_member, member_id, member_sort_key
from shared.records import load, load_many, load_or_404, move_members

SCAN_BUDGET = 1000                                  # index entries one list page may examine


class ClientRepository:
    def __init__(self, tx, nik_key: bytes):
        self.tx = tx
        self.redis = tx.pipe
        self.nik_key = nik_key           # keys the NIK index (domain.nik_index)
        self._nik_slots: dict[str, str] = {}

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
        if after["status"] == domain.ACTIVE and (before is None or before["status"] != domain.ACTIVE
                                                 or before["nik"] != after["nik"]):
            slots["nik"] = self._nik_slot(after["nik"])
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

    def save(self, before: domain.Client | None, after: domain.Client, entry: domain.HistoryEntry,
             reporting_flagged: bool = False, next_due: tuple[str | None, str | None] = (None, None)) -> None:
        """The record, its slots and indexes (in the attention list while either source flags it:
        its guidance, or `reporting_flagged`, the wajib lapor flag the caller read; in the due lists by
        `next_due`, its next open due date before and after the change), its history."""
        # a new client (no `before`: its id was made for it) has no guidance to read
        flagged = reporting_flagged or (before is not None and domain.needs_attention(self._guidance(after["id"])))

        def write(pipe):
            pipe.set(keys.client(after["id"]), jsontext.dumps(after))
            self._keep_unique(pipe, before, after)
            old = domain.index_members(before, self.nik_key, flagged, next_due[0]) if before else set()
            _move(pipe, old, domain.index_members(after, self.nik_key, flagged, next_due[1]))
            pipe.rpush(keys.history(after["id"]), jsontext.dumps(entry))

        self.tx.queue(write)

    def keep_attention(self, client: domain.Client, reporting_flagged: bool) -> None:
        """The client in the attention list, or out of it, now that its wajib lapor flag is
        `reporting_flagged`: listed while that flag or its guidance's is up."""
        flagged = reporting_flagged or domain.needs_attention(self._guidance(client["id"]))
        member = index_member(domain.register_key(client["register_number"]), client["id"])
        if flagged:
            self.tx.queue(lambda pipe: pipe.zadd(keys.attention(), {member: 0}))
        else:
            self.tx.queue(lambda pipe: pipe.zrem(keys.attention(), member))

    def keep_next_due(self, client: domain.Client, before: str | None, after: str | None) -> None:
        """The client in the due lists by its next open due date `after`, no longer by `before`."""
        if before != after:
            self.tx.queue(lambda pipe: _move(pipe, domain.due_members(client, before),
                                             domain.due_members(client, after)))

    def guidance(self, client_id: str) -> list[dict]:
        return [json.loads(v) for v in self.redis.hvals(keys.guidance(client_id))]

    def guidance_of(self, client_ids: list[str]) -> dict[str, list[dict]]:
        """The guidance entries of these clients (one pipelined read, not watched: a list page reads them)."""
        with self.redis.pipeline(transaction=False) as pipe:
            for client_id in client_ids:
                pipe.hvals(keys.guidance(client_id))
            found = pipe.execute()
        return {client_id: [json.loads(v) for v in values] for client_id, values in zip(client_ids, found)}

    def _guidance(self, client_id: str) -> list[dict]:
        self.tx.watch(keys.guidance(client_id))
        return self.guidance(client_id)

    def save_guidance(self, client_id: str, entry: dict, reporting_flagged: bool = False) -> None:
        """Keep `entry`; a client whose attention flag changes with it moves in or out of the attention
        index (it stays in while `reporting_flagged`, its wajib lapor flag, is up)."""
        entries = {e["enrollment_id"]: e for e in self._guidance(client_id)}
        was = reporting_flagged or domain.needs_attention(list(entries.values()))
        now = reporting_flagged or domain.needs_attention(list({**entries, entry["enrollment_id"]: entry}.values()))
        # The client record only names the index entries to move: most entries (an enrollment, a mark)
        # move none, and then the client is neither read nor watched.
        client = None
        if was != now:
            self.tx.watch(keys.client(client_id))
            client = load(self.redis, keys.client(client_id))

        def write(pipe):
            pipe.hset(keys.guidance(client_id), entry["enrollment_id"], jsontext.dumps(entry))
            if client is not None:
                _move(pipe, domain.index_members(client, self.nik_key, was),
                      domain.index_members(client, self.nik_key, now))

        self.tx.queue(write)

    def names(self, entries: list[dict]) -> tuple[dict, dict]:
        """The programs and groups of guidance entries, as pokmas's events named them (by id)."""
        program_ids = sorted({e["program_id"] for e in entries})
        group_ids = sorted({e["group_id"] for e in entries})
        programs = load_many(self.redis, [keys.program(i) for i in program_ids])
        groups = load_many(self.redis, [keys.group(i) for i in group_ids])
        return ({i: p for i, p in zip(program_ids, programs) if p}, {i: g for i, g in zip(group_ids, groups) if g})

    def save_programs(self, programs: list[dict]) -> None:
        def write(pipe):
            for program in programs:
                pipe.set(keys.program(program["id"]), json.dumps(program))

        self.tx.queue(write)

    def save_group(self, group: dict) -> None:
        self.tx.queue(lambda pipe: pipe.set(keys.group(group["id"]), json.dumps(group)))

    def history(self, client_id: str, cursor: str | None, limit: int) -> tuple[list[dict], str | None]:
        start = _position(cursor) if cursor else 0
        entries = self.redis.lrange(keys.history(client_id), start, start + limit)
        more = len(entries) > limit
        return [json.loads(e) for e in entries[:limit]], (encode_cursor(f"{start + limit}|h") if more else None)

    def whole_history(self, client_id: str) -> list[dict]:
        return [json.loads(e) for e in self.redis.lrange(keys.history(client_id), 0, -1)]

    def search(self, filters: dict, query_words: list[str], cursor: str | None, limit: int, *,
               attention: bool | None = None, nik: str | None = None,
               ending: tuple[str, str] | None = None, due_by: str | None = None) -> tuple[list[dict], str | None]:
        """One page of clients matching every filter, in register number order (next open due date order
        with `due_by`, the last due date listed; search-term order when there are query words,
        supervision_end order with `ending` (first, last day)).

        The page walks one index (the due list, the officer's when there is an officer filter; the search
        terms, the ending window, or the smallest of the filter, NIK and attention indexes) and checks
        the other filters on the records, examining at most
        SCAN_BUDGET entries: a page may hold fewer than `limit` items and still have a next_cursor, and
        a page costs the same however many clients there are."""
        sets = {domain.nik_index(nik, self.nik_key): True} if nik else {}
        if attention is not None:
            sets["attention"] = attention
        key, low, high, accept = self._plan(filters, query_words, sets, ending, due_by)
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

    def _plan(self, filters: dict, query_words: list[str], sets: dict[str, bool], ending: tuple[str, str] | None,
              due_by: str | None):
        def fits(client: dict) -> bool:
            in_window = ending is None or (client["status"] == domain.ACTIVE
                                           and ending[0] <= client["supervision_end"] <= ending[1])
            return in_window and all(client[name] == value for name, value in filters.items()) and all(
                self._in(name, client) == wanted for name, wanted in sets.items())

        if due_by is not None:     # members "<next due>\0|<id>", one per client: the query words checked on it
            return (keys.index(domain.due_index(filters.get("officer_id"))), "-", "(" + due_by + "\x01",
                    lambda client, _member: fits(client) and domain.matches(client, query_words))
        if query_words:
            prefix = max(query_words, key=len)

            def accept(client, member):
                return (fits(client) and domain.matches(client, query_words)
                        and domain.canonical_term(client, prefix) == member_sort_key(member))

            return keys.index("q"), "[" + prefix, "(" + prefix + "\U0010ffff", accept
        if ending is not None:     # members "<supervision_end>\0|<id>": the window's last day included
            return keys.index("ending"), "[" + ending[0], "(" + ending[1] + "\x01", lambda client, _member: fits(client)
        candidates = [keys.index(domain.filter_index(name, value)) for name, value in filters.items()]
        candidates += [keys.index(name) for name, wanted in sets.items() if wanted]
        key = min(candidates or [keys.index("all")], key=self.redis.zcard)
        return key, "-", "+", lambda client, _member: fits(client)

    def _nik_slot(self, nik: str) -> str:
        # claimed, then kept, in the same transaction: the keyed digest is taken once per NIK and transaction
        if nik not in self._nik_slots:
            self._nik_slots[nik] = keys.nik_slot(domain.nik_digest(nik, self.nik_key))
        return self._nik_slots[nik]

    def _keep_unique(self, pipe, before: domain.Client | None, after: domain.Client) -> None:
        register = keys.register_slot(after["register_number"])
        if before and keys.register_slot(before["register_number"]) != register:
            pipe.delete(keys.register_slot(before["register_number"]))
        pipe.set(register, after["id"])
        if before and before["status"] == domain.ACTIVE:
            pipe.delete(self._nik_slot(before["nik"]))
        if after["status"] == domain.ACTIVE:
            pipe.set(self._nik_slot(after["nik"]), after["id"])

    def _in(self, index_name: str, client: dict) -> bool:
        member = index_member(domain.register_key(client["register_number"]), client["id"])
        return self.redis.zscore(keys.index(index_name), member) is not None


def _position(cursor: str) -> int:
    position = decode_cursor(cursor).split("|")[0]
    if not (position.isascii() and position.isdigit() and len(position) <= 9):
        raise Invalid({"cursor": ["not a cursor of this history; use next_cursor from the previous page"]})
    return int(position)


def _move(pipe, old: set[tuple[str, str]], new: set[tuple[str, str]]) -> None:
    move_members(pipe, [(keys.index(name), member) for name, member in old - new],
                 [(keys.index(name), member) for name, member in new - old])
