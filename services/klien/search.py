"""GET /clients: one page of the clients matching the filters, read from the indexes the store keeps
with each record, so a page costs the same however many clients there are."""
import json

from services.klien import attention, domain, store
from shared.errors import Invalid
from shared.pagination import decode_cursor, encode_cursor, member_id

SCAN_BUDGET = 1000                                  # index entries one list page may examine


class ClientSearch:
    def __init__(self, runtime):
        self.redis = runtime.redis

    def page(self, filters: dict, cursor: str | None, limit: int) -> tuple[list[dict], str | None]:
        """One page of clients matching every filter, in register number order (or search-term order for q).

        The page walks one index (the search terms, or the smallest filter index) and checks the
        other filters on the records, examining at most SCAN_BUDGET entries: a page may hold fewer
        than `limit` items and still have a next_cursor."""
        key, low, high, accept = self._plan(filters)
        start = "(" + decode_cursor(cursor) if cursor else low
        items, last, budget = [], None, SCAN_BUDGET
        while budget > 0 and len(items) < limit:
            batch = self.redis.zrangebylex(key, start, high, start=0, num=min(budget, max(limit, 50)))
            if not batch:
                break
            budget -= len(batch)
            raws = self.redis.mget([store.record_key(member_id(m)) for m in batch])
            for member, raw in zip(batch, raws):
                last = member
                if raw is not None and accept(json.loads(raw), member):
                    items.append(json.loads(raw))
                    if len(items) == limit:
                        break
            start = "(" + last
        more = last is not None and self.redis.zrangebylex(key, "(" + last, high, start=0, num=1)
        return items, (encode_cursor(last) if more else None)

    def _plan(self, filters: dict):
        wanted = {name: filters[name] for name in domain.LIST_FILTERS if filters.get(name) is not None}

        flag = filters.get("attention")

        def fits(client: dict) -> bool:
            return all(client[name] == value for name, value in wanted.items()) and (
                flag is None or (self.redis.zscore(attention.ATTENTION, attention.member(client)) is not None) == flag)

        if filters.get("q") is not None:
            words = domain.words(filters["q"])
            if not words:
                raise Invalid({"q": ["search with at least one letter or digit"]})
            prefix = max(words, key=len)

            def accept(client, member):
                term = domain.member_term(member)
                return fits(client) and domain.matches(client, words) and domain.canonical_term(client, prefix) == term

            return store.index_key("q"), "[" + prefix, "(" + prefix + "\U0010ffff", accept
        candidates = [store.index_key(domain.filter_index(name, value)) for name, value in wanted.items()]
        if flag:
            candidates.append(attention.ATTENTION)
        key = min(candidates or [store.index_key("all")], key=self.redis.zcard)
        return key, "-", "+", lambda client, _member: fits(client)

