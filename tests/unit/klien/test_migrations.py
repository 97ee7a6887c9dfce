"""klien's migrations' pure upgrades: older versions' free-text offence categories to the contract's
codes (any case, spacing, punctuation; what no synonym names to `lainnya`, noted), and the same
in history entries."""
import pytest

from services.klien import domain
from services.klien.migrations import (FALLBACK, SYNONYMS, offence_code, review_client, review_history,
                                       upgrade_client, upgrade_history)


@pytest.mark.parametrize("text, code", [
    ("theft", "pencurian"), ("  THEFT ", "pencurian"), ("Narcotics", "narkotika"), ("narkoba", "narkotika"),
    ("Penipuan/Penggelapan", "penipuan_penggelapan"), ("fraud", "penipuan_penggelapan"),
    ("LALU_LINTAS", "lalu_lintas"), ("Lalu  Lintas", "lalu_lintas"), ("tipikor", "korupsi"),
    ("KDRT", "kekerasan"), ("pencabulan", "kesusilaan"), ("Pembunuhan berencana", "pembunuhan"),
    ("lain-lain", "lainnya"),
])
def test_older_texts_map_to_their_code(text, code):
    assert offence_code(text) == code


@pytest.mark.parametrize("text", ["copet di pasar", "pencurian dengan kekerasan", "", None, "narkotika 2x"])
def test_a_text_no_synonym_names_falls_back_and_is_noted(text):
    old = {"id": "c1", "offence_category": text}
    new = upgrade_client(old)
    assert new == {"id": "c1", "offence_category": FALLBACK}
    assert f"offence_category {text!r} matched no code" in review_client(old, new)


def test_every_code_is_its_own_synonym_and_every_synonym_names_a_code():
    assert set(SYNONYMS) == set(domain.OFFENCE_CATEGORIES)
    assert all(offence_code(code) == code for code in domain.OFFENCE_CATEGORIES)


def test_a_record_with_a_code_is_left_alone_and_a_mapped_one_is_not_noted():
    assert upgrade_client({"offence_category": "korupsi"}) is None
    old = {"id": "c1", "offence_category": "Theft", "name": "Budi"}
    new = upgrade_client(old)
    assert new == {**old, "offence_category": "pencurian"} and review_client(old, new) is None
    assert upgrade_client(new) is None       # idempotent


def test_history_values_become_codes_and_other_entries_are_left_alone():
    entry = {"version": 3, "action": "updated", "fields": ["address", "offence_category"],
             "changes": {"address": {"old": "Jl. A", "new": "Jl. B"},
                         "offence_category": {"old": "Theft", "new": "pencurian"}}}
    new = upgrade_history(entry)
    assert new["changes"] == {"address": {"old": "Jl. A", "new": "Jl. B"},
                              "offence_category": {"old": "pencurian", "new": "pencurian"}}
    assert review_history(entry, new) is None and upgrade_history(new) is None
    assert upgrade_history({"version": 1, "action": "registered", "fields": ["name"]}) is None
    assert upgrade_history({"version": 2, "action": "updated", "fields": ["nik"],
                            "changes": {"nik": {"old": "1", "new": "2"}}}) is None


def test_a_history_value_no_synonym_names_is_noted():
    entry = {"version": 4, "changes": {"offence_category": {"old": "copet", "new": "pencurian"}}}
    new = upgrade_history(entry)
    assert new["changes"]["offence_category"] == {"old": FALLBACK, "new": "pencurian"}
    assert review_history(entry, new) == "history entry of version 4: offence_category 'copet' matched no code: " \
                                         "kept as lainnya"
