"""The services' English refusal texts become catalogue sentences: Indonesian by default, English on request."""
import re
from pathlib import Path

import pytest
from flask_babel import force_locale

from services.portal.refusals import localise

SERVICES = Path(__file__).resolve().parents[3] / "services"


@pytest.fixture
def page(app):
    with app.test_request_context():       # no session language: the portal's default, Indonesian
        yield


@pytest.mark.parametrize("service_text, indonesian", [
    ("Missing data for required field.", "Isi bagian ini"),
    ("Not a valid date.", "Tanggal tidak sah: tulis sebagai TTTT-BB-HH, mis. 2026-12-05."),
    ("Not a valid date: use YYYY-MM-DD, e.g. 2026-12-05.",
     "Tanggal tidak sah: tulis sebagai TTTT-BB-HH, mis. 2026-12-05."),
    ("Not a valid integer.", "Isi dengan bilangan bulat."),
    ("Not a valid email address.", "Isi alamat email yang sah."),
    ("NIK must be exactly 16 digits (0-9), as on the KTP", "NIK harus tepat 16 angka (0-9), sesuai KTP."),
    ("Length must be between 1 and 200.", "Gunakan 1 sampai 200 karakter."),
    ("Longer than maximum length 64.", "Gunakan paling banyak 64 karakter."),
    ("Must be one of: weekly, monthly.", "Pilih salah satu: weekly, monthly."),
    ("must be one of PB, CB, CMB", "Pilih salah satu: PB, CB, CMB."),
    ("Must be greater than or equal to 1 and less than or equal to 500.", "Isi angka dari 1 sampai 500."),
    ("must not be before today (2026-11-29)", "Tidak boleh sebelum hari ini (2026-11-29)."),
    ("must not be after supervision_end (2099-12-20)", "Tidak boleh sesudah akhir masa pengawasan (2099-12-20)."),
    ("must not be before the client's supervision_start (2026-01-05)",
     "Tidak boleh sebelum awal masa pengawasan (2026-01-05)."),
    ("must be after valid_from", "Harus sesudah awal masa berlaku PKS."),
    ("the program is full: 20 of 20 places taken", "Program sudah penuh: 20 dari 20 tempat terisi."),
    ("the client is not active; current status is completed", "Klien tidak aktif. Status sekarang: Selesai."),
    ("Invalid value for: birth_date, nik", "Beberapa isian tidak dapat diterima: birth_date, nik."),
])
def test_a_known_refusal_reads_in_indonesian(page, service_text, indonesian):
    assert localise(service_text) == indonesian


def test_an_unknown_refusal_is_framed_in_indonesian_rather_than_shown_bare(page):
    assert localise("frobnication is not allowed") == "Isian ini tidak dapat diterima: frobnication is not allowed"


def test_english_is_shown_when_english_is_chosen(app):
    with app.test_request_context(), force_locale("en"):
        assert localise("Missing data for required field.") == "Enter this"
        assert localise("must not be before today (2026-11-29)") == "Must not be before today (2026-11-29)."
        assert localise("frobnication") == "This entry cannot be accepted: frobnication"


def _service_texts() -> set[str]:
    """The fixed refusal texts the services' schemas and rules write (error="..." and ["..."] literals)."""
    found = set()
    for path in SERVICES.glob("[!p]*/*.py"):                   # every service but the portal itself
        source = path.read_text()
        found |= set(re.findall(r'error="([^"{]+)"\)', source))
        found |= set(re.findall(r'\[\s*"([^"{]+)"\s*\]', source))
    return found


def test_no_fixed_refusal_a_service_writes_falls_through_to_the_fallback(page):
    texts = {t for t in _service_texts() if " " in t}                        # sentences, not field names
    assert texts, "the scan found no refusal texts: the pattern no longer matches the services' code"
    fallen = sorted(t for t in texts if localise(t).startswith("Isian ini tidak dapat diterima"))
    assert fallen == [], f"add these to services/portal/refusals.py and the catalogue: {fallen}"
