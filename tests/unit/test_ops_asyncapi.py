"""The AsyncAPI documents and docs/events.md, generated from the catalogs: structurally valid,
in step with each other, and strict enough that an event breaking its schema is caught."""
import copy
from pathlib import Path

import pytest

from shared import asyncapi
from shared.commands import docs_events
from tests.support import ops_asyncapi

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = docs_events.documents()


def examples(document: dict):
    for message in document["components"]["messages"].values():
        yield message["examples"][0]["payload"]


@pytest.mark.parametrize("service", DOCUMENTS)
def test_each_document_is_asyncapi_3_with_every_reference_resolving(service):
    assert ops_asyncapi.problems(DOCUMENTS[service]) == []


def test_the_structure_check_catches_a_dangling_reference_and_a_missing_title():
    broken = copy.deepcopy(DOCUMENTS["klien"])
    del broken["info"]["title"]
    next(iter(broken["components"]["messages"].values()))["payload"]["allOf"][0]["$ref"] = "#/components/schemas/Nope"
    found = ops_asyncapi.problems(broken)
    assert "info.title is required" in found
    assert any("#/components/schemas/Nope does not resolve" in problem for problem in found)


@pytest.mark.parametrize("service", DOCUMENTS)
def test_every_documented_example_matches_its_own_schema(service):
    document = DOCUMENTS[service]
    for event in examples(document):
        assert ops_asyncapi.errors(document, event) == [], event["type"]


def test_an_event_whose_data_breaks_its_documented_schema_is_caught():
    document = DOCUMENTS["bimbingan"]
    event = next(e for e in examples(document) if e["type"] == "bimbingan.enrollment.created")
    for break_it in (lambda d: d.pop("status"), lambda d: d.update(status="lost"),
                     lambda d: d.update(sessions_missed="two"), lambda d: d.update(nik="3201010101010001"),
                     lambda d: d.update(ended_on="yesterday")):
        broken = copy.deepcopy(event)
        break_it(broken["data"])
        assert ops_asyncapi.errors(document, broken), broken["data"]
    assert ops_asyncapi.errors(document, {**event, "data": {**event["data"], "ended_on": None}}) == []
    assert ops_asyncapi.errors(document, {**event, "sequence": 0})
    assert ops_asyncapi.errors(document, {**event, "type": "bimbingan.session.scheduled"})


def test_an_undocumented_type_has_no_validator():
    with pytest.raises(LookupError):
        ops_asyncapi.event_validator(DOCUMENTS["klien"], "klien.client.vanished")


def test_the_document_is_made_from_the_catalog_schemas():
    catalog = docs_events.service.load("bimbingan").catalog
    document = asyncapi.document(catalog, region="x")
    assert {m["name"] for m in document["components"]["messages"].values()} == {e.type for e in catalog}
    for entry in catalog:
        assert asyncapi.schema_name(entry.schema) in document["components"]["schemas"]


def test_docs_events_md_is_up_to_date_with_the_catalogs():
    assert (ROOT / "docs/events.md").read_text() == docs_events.render(), \
        "docs/events.md is out of date: run `bapas docs-events` and commit it"
