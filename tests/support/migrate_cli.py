"""`bapas migrate` as an operator runs it (the CLI in a process of its own, on the test's Redis and
secret), and what a second run must leave unchanged: every key's content."""
import os
import subprocess
import sys

from tests.support.client import REGION, SECRET


def _env(redis_url: str, extra: dict | None = None) -> dict:
    env = {name: value for name, value in os.environ.items() if name != "KLIEN_NIK_INDEX_KEY"}
    return {**env, "REDIS_URL": redis_url, "BAPAS_JWT_SECRET": SECRET, "BAPAS_REGION": REGION, **(extra or {})}


def bapas_migrate(redis_url: str, service: str, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """The CLI in its own process with the test's Redis and secret (and `env` on top)."""
    return subprocess.run([sys.executable, "-m", "shared.cli", "migrate", service, *args], env=_env(redis_url, env),
                          capture_output=True, text=True, timeout=120)


def stored(store) -> dict:
    """Every key and its content (DUMP), but the transactions' short-lived commit markers."""
    return {key: store.dump(key) for key in store.scan_iter() if not key.startswith("tx:committed:")}


def as_older_indexes(store, prefix: str) -> int:
    """Every list index member of the service rewritten as versions before issue 12 wrote it ("<sort
    key>|<id>", shared.pagination.index_member); how many."""
    rewritten = 0
    for key in store.scan_iter(f"{prefix}:idx:*"):
        for member in store.zrange(key, 0, -1):
            if "\0|" in member:
                store.zrem(key, member)
                store.zadd(key, {member.replace("\0|", "|"): 0})
                rewritten += 1
    return rewritten


def bapas_migrate_started(redis_url: str, service: str, *args: str) -> subprocess.Popen:
    """`bapas migrate` started, for a test that writes while it runs."""
    return subprocess.Popen([sys.executable, "-m", "shared.cli", "migrate", service, *args], env=_env(redis_url),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
