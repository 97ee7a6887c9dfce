"""klien's stored data versions (`bapas migrate klien`, shared/migrate.py).

1. offence_category was free text (up to 100 characters) before issue 13 made it a code of the
   contract's list: each record's text is mapped to its code by synonyms (any case, spacing or
   punctuation); a text no synonym names becomes `lainnya` and is noted for review.
2. History values: a correction's history entry keeps each changed field's old and new value; an
   offence category kept there as free text (a correction made after the upgrade, before this
   migration) is mapped the same way, so history shows codes.
3. Indexes: older versions kept no attention, ending and NIK index, and named the one-active-client-
   per-NIK slot by the NIK in clear: each client's index entries and slot are rebuilt from its record
   (its guidance and wajib lapor flag for the attention list).
4. Index entries no client calls for are dropped (a stale attention entry; after a rollback, the NIK
   entry of a NIK an older release corrected; after the NIK index key changed, the old digests').
5. NIK slots no active client calls for are deleted: the older ones named by the NIK in clear among them.
6. The due lists (issue 16: GET /clients?report_due_by=): each active client with an open wajib lapor due
   date is listed by its next one, in the region's list and its PK's. Rebuild 3 adds these entries too
   (and 4 drops stale ones) on a store below version 3; this one adds them to a store migrated before
   they existed.
"""
import json
import os
import re

from services.klien import domain, keys, reporting
from services.klien.app import nik_key
from shared.migrate import Migration, Rebuild, Step, add_missing, of_record, reindex, unbacked_dropped, watched
from shared.records import load

FALLBACK = "lainnya"
# Words older versions' users typed (Indonesian and English, the codes themselves included), compared
# after normalise(); a text is mapped only when it is one of these as a whole, never by a word in it.
SYNONYMS = {
    "narkotika": ("narkotika", "narkoba", "napza", "psikotropika", "narkotika dan psikotropika",
                  "penyalahgunaan narkotika", "narcotics", "narcotic", "drugs", "drug", "drug offence"),
    "terorisme": ("terorisme", "teroris", "tindak pidana terorisme", "terrorism"),
    "korupsi": ("korupsi", "tipikor", "tindak pidana korupsi", "suap", "corruption", "bribery"),
    "pencurian": ("pencurian", "curi", "curat", "curanmor", "pencurian dengan pemberatan",
                  "pencurian kendaraan bermotor", "theft", "stealing", "burglary", "larceny"),
    "penipuan_penggelapan": ("penipuan penggelapan", "penipuan", "penggelapan", "penipuan dan penggelapan",
                             "fraud", "embezzlement", "fraud and embezzlement", "scam"),
    "kekerasan": ("kekerasan", "penganiayaan", "pengeroyokan", "kdrt", "kekerasan dalam rumah tangga",
                  "assault", "violence", "domestic violence"),
    "kesusilaan": ("kesusilaan", "asusila", "pencabulan", "perkosaan", "pemerkosaan", "rape",
                   "sexual offence", "sexual assault", "indecency"),
    "pembunuhan": ("pembunuhan", "pembunuhan berencana", "murder", "homicide", "manslaughter"),
    "lalu_lintas": ("lalu lintas", "lalin", "laka lantas", "kecelakaan lalu lintas", "traffic",
                    "traffic offence"),
    "lainnya": ("lainnya", "lain lain", "other", "others"),
}
_CODES = {synonym: code for code, synonyms in SYNONYMS.items() for synonym in synonyms}
_NOT_WORD = re.compile(r"[\W_]+")


def normalise(text) -> str:
    """Case, spacing and punctuation aside: " Penipuan/Penggelapan " -> "penipuan penggelapan"."""
    return _NOT_WORD.sub(" ", str(text or "").casefold()).strip()


def offence_code(text) -> str:
    """The contract's code for an older version's offence category text; FALLBACK when none fits."""
    return _CODES.get(normalise(text), FALLBACK)


def mapped(text) -> bool:
    return normalise(text) in _CODES


def upgrade_client(record: dict) -> dict | None:
    """The client with its offence category as a code; None when it already is one."""
    if record.get("offence_category") in domain.OFFENCE_CATEGORIES:
        return None
    return {**record, "offence_category": offence_code(record.get("offence_category"))}


def review_client(old: dict, _new: dict) -> str | None:
    text = old.get("offence_category")
    if mapped(text):
        return None
    return f"offence_category {text!r} matched no code: set to {FALLBACK}; correct the client if another code fits"


def upgrade_history(entry: dict) -> dict | None:
    """A correction's entry with the offence category values it kept as codes; None when they are."""
    values = entry.get("changes", {}).get("offence_category")
    if not values or all(v is None or v in domain.OFFENCE_CATEGORIES for v in values.values()):
        return None
    codes = {side: (v if v is None or v in domain.OFFENCE_CATEGORIES else offence_code(v))
             for side, v in values.items()}
    return {**entry, "changes": {**entry["changes"], "offence_category": codes}}


def review_history(old: dict, _new: dict) -> str | None:
    texts = [v for v in old["changes"]["offence_category"].values()
             if v is not None and v not in domain.OFFENCE_CATEGORIES and not mapped(v)]
    if not texts:
        return None
    return (f"history entry of version {old.get('version')}: offence_category {', '.join(map(repr, texts))} "
            f"matched no code: kept as {FALLBACK}")


def client_entries(pipe, client: dict, settings) -> list[tuple[str, str]]:
    """The (index key, member) entries that list the client: in the attention list while its guidance
    or its wajib lapor flag is up, in the due lists by its next open due date (both read watched)."""
    pipe.watch(keys.guidance(client["id"]), keys.reporting(client["id"]))
    record = load(pipe, keys.reporting(client["id"]))
    guidance = [json.loads(raw) for raw in pipe.hvals(keys.guidance(client["id"]))]
    flagged = bool(record and record.get("attention")) or domain.needs_attention(guidance)
    members = domain.index_members(client, _index_key(settings), flagged, reporting.next_open_due(record, client))
    return [(keys.index(name), member) for name, member in members]


def due_entries(pipe, client: dict, _settings) -> list[tuple[str, str]]:
    """The (index key, member) entries that list the client by its next open due date (its record watched)."""
    pipe.watch(keys.reporting(client["id"]))
    next_due = reporting.next_open_due(load(pipe, keys.reporting(client["id"])), client)
    return [(keys.index(name), member) for name, member in domain.due_members(client, next_due)]


def entries_but_attention(_pipe, client: dict, settings) -> list[tuple[str, str]]:
    """The client's entries in every index but the attention list: what finding an unbacked entry of
    those needs, without reading its guidance and wajib lapor record for each of them."""
    return [(keys.index(name), member) for name, member in domain.index_members(client, _index_key(settings))]


def reindex_client(pipe, key: str, settings) -> Step:
    """The client's missing index entries, and its NIK slot named by the digest for an active client."""
    client = load(pipe, key)
    if client is None or key != keys.client(client["id"]):
        return Step(None)
    step = add_missing(pipe, client_entries(pipe, client, settings))
    slot = keys.nik_slot(domain.nik_digest(client["nik"], _index_key(settings)))
    pipe.watch(slot)
    owner = pipe.get(slot) if client["status"] == domain.ACTIVE else client["id"]
    if owner is None:
        return Step(lambda p: [write(p) for write in (step.writes, lambda q: q.set(slot, client["id"])) if write])
    if owner != client["id"]:
        return Step(step.writes, (f"another active client ({owner}) has the same NIK: end that supervision or "
                                  "correct the NIK",))
    return step


def backed_slot(pipe, key: str, settings) -> Step:
    """A one-active-client-per-NIK slot kept only while it is the one its client calls for: an active
    client whose NIK's digest names it. Slots named by the NIK in clear (older releases), by a digest
    under an index key since changed, or left for a client ended or corrected by an older release go."""
    owner = pipe.get(key)
    client = watched(pipe, keys.client(owner)) if owner else None
    if client and client["status"] == domain.ACTIVE and key == keys.nik_slot(
            domain.nik_digest(client["nik"], _index_key(settings))):
        return Step(None)
    return Step(lambda p: p.delete(key))


def _index_key(settings) -> bytes:
    """The NIK index's key as the service has it; never one derived from no secret, which would name
    every NIK index and slot with a key the service does not use."""
    if not (os.environ.get("KLIEN_NIK_INDEX_KEY") or settings.jwt_secret):
        raise SystemExit("bapas migrate klien: neither KLIEN_NIK_INDEX_KEY nor BAPAS_JWT_SECRET is set: run it where "
                         "klien's environment is (docker compose exec -T klien-worker bapas migrate klien)")
    return nik_key(settings)


# The kinds of klien's index keys (`klien:idx:<kind>...`, domain.index_members) but `attention` and the
# due lists (`due`, `due_officer:<digest>`), which need the client's wajib lapor record too.
INDEX_KINDS = ("all", "q", "status", "officer", "supervision_type", "nik", "ending")
DUE_KINDS = ("due", "due_officer")

MIGRATIONS = [
    Migration(1, "offence_category as a code of the contract's list", keys.client("*"), upgrade_client,
              review_client),
    Migration(2, "offence categories in history entries as codes", keys.history("*"), upgrade_history,
              review_history),
    Rebuild(3, "index entries (attention, ending, NIK digest) and the NIK slot rebuilt from each client",
            keys.client("*"), reindex_client),
    unbacked_dropped(4, keys.PREFIX, {**dict.fromkeys(INDEX_KINDS, of_record(keys.client, entries_but_attention)),
                                      "attention": of_record(keys.client, client_entries),
                                      **dict.fromkeys(DUE_KINDS, of_record(keys.client, due_entries))}),
    Rebuild(5, "NIK slots no active client calls for deleted (those naming a NIK in clear among them)",
            keys.nik_slot("*"), backed_slot),
    Rebuild(6, "due lists: each active client with an open wajib lapor due date listed by its next one",
            keys.client("*"), reindex(keys.client, due_entries)),
]
