"""An in-memory stand-in for the few Redis commands laporan's handlers and the Applier use, so the
real Applier and handlers run in unit tests without I/O. Writes after MULTI wait for EXEC."""


class FakeRedis:
    def __init__(self):
        self.strings, self.hashes, self.sets, self.zsets = {}, {}, {}, {}

    def pipeline(self, transaction=True):
        return FakePipe(self)

    # reads
    def get(self, key):
        return self.strings.get(key)

    def mget(self, keys):
        return [self.strings.get(key) for key in keys]

    def exists(self, key):
        return int(key in self.strings or key in self.hashes or key in self.sets)

    def hget(self, key, field):
        return self.hashes.get(key, {}).get(field)

    def hgetall(self, key):
        return dict(self.hashes.get(key, {}))

    def smembers(self, key):
        return set(self.sets.get(key, set()))

    def scard(self, key):
        return len(self.sets.get(key, set()))

    # writes
    def set(self, key, value, ex=None):
        self.strings[key] = str(value)

    def delete(self, key):
        for store in (self.strings, self.hashes, self.sets, self.zsets):
            store.pop(key, None)

    def hset(self, key, field=None, value=None, mapping=None):
        self.hashes.setdefault(key, {}).update(mapping or {field: str(value)})

    def hincrby(self, key, field, delta):
        row = self.hashes.setdefault(key, {})
        row[field] = str(int(row.get(field, 0)) + delta)

    def sadd(self, key, *members):
        self.sets.setdefault(key, set()).update(members)

    def srem(self, key, member):
        self.sets.get(key, set()).discard(member)

    def zadd(self, key, mapping):
        self.zsets.setdefault(key, {}).update(mapping)

    def counters(self, prefix="laporan:fig:") -> dict:
        """Every non-zero counter under `prefix`."""
        return {(k, f): v for k, row in self.hashes.items() if k.startswith(prefix) for f, v in row.items()
                if v != "0"}


class FakePipe:
    READS = ("get", "mget", "exists", "hget", "hgetall", "smembers", "scard")
    WRITES = ("set", "delete", "hset", "hincrby", "sadd", "srem", "zadd")

    def __init__(self, store: FakeRedis):
        self.store, self.explicit_transaction, self.queued = store, False, []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def watch(self, *keys):
        assert not self.explicit_transaction, "WATCH after MULTI"

    def multi(self):
        self.explicit_transaction = True

    def execute(self):
        for name, args, kwargs in self.queued:
            getattr(self.store, name)(*args, **kwargs)

    def __getattr__(self, name):
        if name in self.READS:
            assert not self.explicit_transaction, f"{name} after MULTI"
            return getattr(self.store, name)
        if name in self.WRITES:
            assert self.explicit_transaction, f"{name} before MULTI"
            return lambda *args, **kwargs: self.queued.append((name, args, kwargs))
        raise AttributeError(name)
