"""Every string a page shows is in the Indonesian catalogue, and the compiled catalogue is current."""
import io
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

PORTAL = Path(__file__).resolve().parents[3] / "services" / "portal"
CATALOGUE = PORTAL / "translations" / "id" / "LC_MESSAGES"
METHODS = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None, "ngettext": (1, 2)}


def _extracted() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(str(PORTAL), METHODS, keywords=KEYWORDS):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_page_string_has_an_indonesian_translation():
    catalogue = read_po(open(CATALOGUE / "messages.po", "rb"))
    translated = {m.id for m in catalogue if m.id and m.string}
    missing = sorted(_extracted() - translated)
    assert missing == [], f"add these to messages.po (and run pybabel compile): {missing}"


def test_the_compiled_catalogue_matches_the_source():
    source = {m.id: m.string for m in read_po(open(CATALOGUE / "messages.po", "rb")) if m.id}
    compiled = {m.id: m.string for m in read_mo(io.BytesIO((CATALOGUE / "messages.mo").read_bytes())) if m.id}
    assert compiled == source, "run: pybabel compile -d services/portal/translations"
