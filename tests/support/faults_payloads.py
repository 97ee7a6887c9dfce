"""Request bodies as the contract writes them (full bodies), unique where the contract wants uniqueness;
used by the fault drills and the benchmarks."""
import itertools
import json
import random
import re
import uuid
from collections.abc import Iterator

SUPERVISION_TYPES = ("PB", "CB", "CMB", "ASIMILASI", "PIDANA_BERSYARAT", "DIVERSI")
OFFICERS = [f"pk-{n:04d}" for n in range(40)]
GIVEN = ("Siti", "Budi", "Agus", "Dewi", "Rina", "Andi", "Yusuf", "Putri", "Hendra", "Wati", "Joko", "Fitri")
FAMILY = ("Saputra", "Lestari", "Hidayat", "Wijaya", "Pratama", "Susanti", "Nugroho", "Rahmawati", "Siregar")


def client(n: int | None = None) -> dict:
    suffix = uuid.uuid4().hex[:12] if n is None else f"{n:09d}"
    supervision_type = random.choice(SUPERVISION_TYPES)
    return {"register_number": f"BENCH-{suffix}", "name": f"{random.choice(GIVEN)} {random.choice(FAMILY)}",
            "nik": f"{random.randrange(10**15, 10**16)}", "sex": random.choice("LP"),
            # a diversion is for a child (12 to 20 when it starts)
            "birth_date": "2010-05-17" if supervision_type == "DIVERSI" else "1990-05-17",
            "address": "Jl. Contoh No. 1, Palembang", "supervision_type": supervision_type,
            "offence_category": "pencurian", "decree": {"number": f"SK-{suffix}", "date": "2026-01-10"},
            "supervision_start": "2026-01-15", "supervision_end": "2027-01-15",
            "officer_id": random.choice(OFFICERS), "bapas_office": "BAPAS Palembang"}


def floor() -> dict:
    suffix = uuid.uuid4().hex[:12]
    return {"register_number": f"FLOOR-{suffix}", "name": f"Floor {suffix}", "nik": "1671011705900001",
            "birth_date": "1990-05-17", "sex": "L"}


def group() -> dict:
    return {"name": f"Pokmas Bench {uuid.uuid4().hex[:8]}", "legal_form": "yayasan",
            "address": "Jl. Contoh No. 2, Palembang", "contact": "0711-000000", "bapas_office": "BAPAS Palembang"}


def agreement(group_id: str, programs: int, capacity: int) -> dict:
    return {"group_id": group_id, "number": f"PKS-BENCH-{uuid.uuid4().hex[:10]}", "signed_on": "2026-01-05",
            "valid_from": "2026-01-05", "valid_until": "2027-12-31",
            "programs": [{"name": f"Pelatihan {n}", "guidance_type": ("kemandirian", "kepribadian")[n % 2],
                          "capacity": capacity} for n in range(programs)]}


def make(kind: str) -> dict:
    return {"client": client, "floor": floor, "group": group}[kind]()


def encoded(kind: str, variants: int = 64) -> Iterator[bytes]:
    """Fresh `kind` bodies as JSON bytes, for a load generator: `variants` bodies made as `make` makes them
    become templates, and each body takes the next template with a new unique suffix (a random prefix and a
    counter) and, for a client, a new random NIK. About a tenth of json.dumps(make(kind)) per body."""
    marks = {"client": ("BENCH-", "SK-"), "floor": ("FLOOR-", "Floor "), "group": ("Pokmas Bench ",)}
    if kind not in marks:
        return (json.dumps(make(kind)).encode() for _ in itertools.count())
    templates = [_template(kind, marks[kind]) for _ in range(variants)]
    prefix = uuid.uuid4().hex[:16]
    return (_fill(templates[n % variants], f"{prefix}{n:x}") for n in itertools.count())


def _template(kind: str, marks: tuple[str, ...]) -> str:
    """One made body as a %-format of its suffix (%(s)s) and, for a client, its NIK (%(n)s)."""
    text = json.dumps(make(kind)).replace("%", "%%")
    for mark in marks:
        text = re.sub(re.escape(mark) + r"[0-9a-f]+", mark + "%(s)s", text)
    return re.sub(r'"nik": "\d{16}"', '"nik": "%(n)s"', text) if kind == "client" else text


def _fill(template: str, suffix: str) -> bytes:
    return (template % {"s": suffix, "n": random.randrange(10**15, 10**16)}).encode()
