"""pokmas's request and event schemas: what they accept and refuse; the catalog's examples match."""
import pytest
from marshmallow import ValidationError

from services.pokmas import schemas
from services.pokmas.events import CATALOG

GROUP = {"name": "Yayasan", "legal_form": "pesantren", "address": "Jl. 1", "contact": "0711", "bapas_office": "plg"}
AGREEMENT = {"group_id": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", "number": "PKS-1", "signed_on": "2026-01-01",
             "valid_from": "2026-01-01", "valid_until": "2026-12-31",
             "programs": [{"name": "Las", "guidance_type": "kemandirian", "capacity": 3}]}


@pytest.mark.parametrize("change", [{"legal_form": "ngo"}, {"name": ""}, {"name": "x" * 201}])
def test_group_fields_are_checked(change):
    with pytest.raises(ValidationError) as error:
        schemas.GroupCreate().load({**GROUP, **change})
    assert set(change) <= set(error.value.messages)


def test_every_legal_form_of_the_contract_is_accepted():
    for form in ("yayasan", "pesantren", "company", "training_centre", "religious_org", "individual", "other"):
        assert schemas.GroupCreate().load({**GROUP, "legal_form": form})["legal_form"] == form


@pytest.mark.parametrize("program", [{"capacity": 0}, {"capacity": -1}, {"capacity": "3"},
                                     {"guidance_type": "religion"}, {"name": None}])
def test_program_fields_are_checked(program):
    body = {**AGREEMENT, "programs": [{**AGREEMENT["programs"][0], **program}]}
    with pytest.raises(ValidationError) as error:
        schemas.AgreementCreate().load(body)
    assert "programs" in error.value.messages


def test_a_partial_group_change_and_an_empty_suspension_reason_load():
    assert schemas.GroupChange().load({"contact": "0812"}) == {"contact": "0812"}
    assert schemas.Suspension().load({}) == {"reason": None}
    with pytest.raises(ValidationError):
        schemas.Termination().load({})


def test_every_catalog_example_matches_its_schema():
    for event_type in CATALOG:
        assert CATALOG.validated(event_type.type, event_type.example)


def test_enrollment_events_are_read_for_what_the_view_needs_and_ids_must_be_uuids():
    data = {"id": "5b7c1d2e-3f40-4a51-8b62-7c83d94ea5f6", "client_id": "3f0c1a52-8a9e-4c39-9f57-2a8e5d1c0b7e",
            "program_id": "9a8b7c6d-5e4f-4a3b-9c2d-1e0f2a3b4c5d", "group_id": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
            "status": "enrolled", "sessions_attended": 2}
    assert set(schemas.EnrollmentState().load(data)) == {"id", "client_id", "program_id", "group_id", "status"}
    with pytest.raises(ValidationError):
        schemas.EnrollmentState().load({**data, "group_id": "../x"})
