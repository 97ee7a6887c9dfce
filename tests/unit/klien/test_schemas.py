"""What klien's request schemas accept and refuse, with messages a PK can act on."""
import pytest

from services.klien.schemas import ClientCreate, ClientFilter, ClientPatch, StatusChange
from tests.support.klien_data import client_body


def errors(schema, body) -> dict:
    return schema().validate(body)


def test_a_complete_body_is_accepted():
    assert errors(ClientCreate, client_body()) == {}


@pytest.mark.parametrize("nik", ["123456789012345", "12345678901234567", "16710101018000a1", "1671010101800001\n",
                                 "١٦٧١٠١٠١٠١٨٠٠٠٠١", 1671010101800001])
def test_nik_must_be_exactly_sixteen_digits(nik):
    assert "nik" in errors(ClientCreate, client_body(nik=nik))


def test_the_nik_message_says_what_is_expected():
    assert "16 digits" in errors(ClientCreate, client_body(nik="123"))["nik"][0]


@pytest.mark.parametrize("field,value", [("birth_date", "2026-02-30"), ("supervision_start", "01-02-2026"),
                                         ("supervision_end", "tomorrow"), ("sex", "M"), ("supervision_type", "PAROLE"),
                                         ("register_number", ""), ("register_number", "A|B"), ("name", "   "),
                                         ("name", "x" * 201), ("address", "x" * 501), ("officer_id", "pk 1"),
                                         ("decree", {"number": "SK-1"}), ("decree", "SK-1")])
def test_bad_values_are_refused_naming_the_field(field, value):
    assert field in errors(ClientCreate, client_body(**{field: value}))


def test_every_contract_field_but_the_decree_is_required():
    missing = errors(ClientCreate, {})
    assert set(missing) == {"register_number", "name", "nik", "birth_date", "sex", "address", "supervision_type",
                            "offence_category", "supervision_start", "supervision_end", "officer_id", "bapas_office"}


def test_unknown_fields_are_refused():
    assert "status" in errors(ClientCreate, client_body(status="completed"))
    assert "status" in errors(ClientPatch, {"status": "completed"})


def test_a_patch_may_send_any_subset_of_fields():
    assert errors(ClientPatch, {"name": "Budi S."}) == {}


def test_a_status_change_goes_to_a_known_status_with_reason_and_date():
    assert errors(StatusChange, {"status": "completed", "reason": "served", "effective_date": "2027-01-01"}) == {}
    # `active` undoes a status set in error; only an admin may (the use case checks the role)
    assert errors(StatusChange, {"status": "active", "reason": "set in error", "effective_date": "2027-01-01"}) == {}
    assert set(errors(StatusChange, {"status": "lost"})) == {"status", "reason", "effective_date"}


def test_list_filters_are_checked():
    assert set(errors(ClientFilter, {"status": "x", "supervision_type": "y", "limit": "501", "q": ""})) == {
        "status", "supervision_type", "limit", "q"}


@pytest.mark.parametrize("decree,message", [([None, None], "Invalid input type."),
                                            ({"number": "SK-1"}, "date: Missing data for required field."),
                                            ({"number": "", "date": "x"}, "date: Not a valid date.")])
def test_decree_errors_are_a_flat_list_of_messages(decree, message):
    messages = errors(ClientCreate, client_body(decree=decree))["decree"]
    assert isinstance(messages, list) and message in messages
