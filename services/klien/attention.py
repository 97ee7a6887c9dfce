"""The attention index: clients with an open attention flag from either source (three unexcused
absences in a row in guidance, three missed reports in a row in wajib lapor), listed like every
other client index ("<register key>\\0|<id>") so GET /clients?attention=true pages the same way."""
from services.klien import domain

ATTENTION = "klien:idx:attention"
# Move a client's entry when its register number changes, inside the change's own MULTI.
_RENAME = "if redis.call('ZREM', KEYS[1], ARGV[1]) == 1 then redis.call('ZADD', KEYS[1], 0, ARGV[2]) end"


def member(client: dict) -> str:
    return f"{domain.register_key(client['register_number'])}\0|{client['id']}"


def keep(pipe, client: dict, flagged: bool) -> None:
    """Queue (in MULTI) the client's entry as the flags say."""
    if flagged:
        pipe.zadd(ATTENTION, {member(client): 0})
    else:
        pipe.zrem(ATTENTION, member(client))


def rename(pipe, before: dict, after: dict) -> None:
    """Queued with a client's change: its entry follows a corrected register number."""
    if member(before) != member(after):
        pipe.eval(_RENAME, 1, ATTENTION, member(before), member(after))
