"""shared.projection gives what marshmallow gives: the same dump, the same load-then-dump, the same errors,
for every event schema of every service's catalog and the answers' schemas, on valid and invalid data."""
import datetime
import uuid

import pytest
from marshmallow import Schema, ValidationError, fields, post_dump

from services.bimbingan.schemas import Enrollment, EnrollmentCreate
from services.klien.schemas import Client, ClientCreate, ClientPatch, Decree
from shared import projection, service
from shared.fields import IsoDate

CATALOGS = [service.load(name).catalog for name in ("klien", "pokmas", "bimbingan", "laporan")]
EVENT_TYPES = [(catalog.service, event_type) for catalog in CATALOGS for event_type in catalog]


def _outcome(function, *args):
    try:
        return "ok", function(*args)
    except ValidationError as exc:
        return "invalid", exc.messages
    except Exception as exc:  # noqa: BLE001 - compared, whatever it is
        return type(exc).__name__, str(exc)


def _variants(example: dict):
    """The example and changed copies: each key missing, None, of another type, upper-case, empty; an extra key."""
    yield example
    yield {**example, "unexpected": 1}
    for key, value in example.items():
        yield {k: v for k, v in example.items() if k != key}
        for other in (None, 7, True, "", "X", [value], {"id": value}, str(value).upper(), 2.5,
                      datetime.date(2026, 1, 2), uuid.UUID(int=5), "2026-13-40", "20260102"):
            yield {**example, key: other}


@pytest.mark.parametrize("event_type", [e for _, e in EVENT_TYPES], ids=[f"{s}:{e.type}" for s, e in EVENT_TYPES])
def test_an_event_s_data_is_checked_and_dumped_as_marshmallow_does(event_type):
    schema = event_type.schema()
    for data in _variants(event_type.example):
        assert _outcome(projection.validated, schema, data) == _outcome(
            lambda d: schema.dump(schema.load(d)), data), data


@pytest.mark.parametrize("schema", [Client(), Enrollment(), ClientCreate()], ids=lambda s: type(s).__name__)
def test_an_answer_is_dumped_as_marshmallow_does(schema):
    record = {"id": str(uuid.uuid4()), "status": "active", "version": 3, "name": "Siti", "decree": {"number": "SK-1",
              "date": "2026-01-10"}, "birth_date": "1990-05-17", "created_at": "2026-01-02T03:04:05Z",
              "attention_raised": False, "note": None, "sessions_attended": 2,
              "guidance": {"active_enrollments": 1, "enrollments": [{"enrollment_id": str(uuid.uuid4()),
                                                                     "start_date": "2026-02-01"}, None]},
              "attendance": [{"session_id": str(uuid.uuid4())}], "items": 1}
    for data in _variants(record):
        assert _outcome(projection.dump, schema, data) == _outcome(Schema.dump, schema, data), data
    assert projection.dump(schema, [record, record], many=True) == Schema.dump(schema, [record, record], many=True)


BODIES = [(ClientCreate(), {"register_number": "PAS-1", "name": "Siti", "nik": "1671011705900001", "sex": "P",
                            "birth_date": "1990-05-17", "address": "Jl. Contoh 1", "supervision_type": "PB",
                            "offence_category": "pencurian", "decree": {"number": "SK-1", "date": "2026-01-10"},
                            "supervision_start": "2026-01-15", "supervision_end": "2027-01-15", "officer_id": "pk-1",
                            "bapas_office": "BAPAS Palembang"}),
          (EnrollmentCreate(), {"client_id": str(uuid.uuid4()), "program_id": str(uuid.uuid4()),
                                "start_date": "2026-06-01", "note": "pagi"}),
          (Decree(), {"number": "SK-1", "date": "2026-01-10"})]


@pytest.mark.parametrize("schema, body", BODIES, ids=lambda v: type(v).__name__)
def test_a_request_body_is_loaded_as_marshmallow_loads_it(schema, body):
    for data in [*_variants(body), {**body, "nik": "16710117059000011"}, {**body, "sex": "X", "name": " "}, [body],
                 {**body, "decree": None}, {**body, "decree": {"number": "SK-1"}}, "text", None]:
        for unknown in (None, "exclude", "include", "raise"):
            assert _outcome(lambda d: schema.load(d, unknown=unknown), data) == _outcome(
                lambda d: Schema.load(schema, d, unknown=unknown), data), (data, unknown)
    for partial in (True, ("name",)):
        assert _outcome(lambda d: schema.load(d, partial=partial), body) == _outcome(
            lambda d: Schema.load(schema, d, partial=partial), body)


def test_dates_objects_hooks_and_renamed_keys_go_through_marshmallow():
    class Hooked(Schema):
        when = IsoDate()
        renamed = fields.String(data_key="other", attribute="inner")
        count = fields.Integer(dump_default=0)

        @post_dump
        def mark(self, data, **_):
            return {**data, "hooked": True}

    for schema in (Hooked(), Schema.from_dict({"when": IsoDate(), "renamed": fields.String(data_key="other",
                                                                                        attribute="inner"),
                                               "count": fields.Integer(dump_default=0)})()):
        obj = {"when": datetime.date(2026, 1, 2), "inner": "x"}
        assert projection.dump(schema, obj) == Schema.dump(schema, obj)
        assert _outcome(projection.validated, schema, {"when": "2026-01-02", "other": "x"}) == _outcome(
            lambda d: schema.dump(schema.load(d)), {"when": "2026-01-02", "other": "x"})


def test_the_write_answers_are_projected_and_their_usual_fields_take_the_short_way():
    assert all(isinstance(schema, projection.Projected) for schema in (Client(), Enrollment(), ClientCreate(),
                                                                         EnrollmentCreate(), Decree()))
    assert not isinstance(ClientPatch(), projection.Projected)
    kinds = {field: kind for _, _, kind, field, _ in projection._plan(Client())}
    assert projection._FIELD not in kinds.values(), kinds
    [catalog] = [c for c in CATALOGS if c.service == "klien"]
    steps, _ = projection._load_plan(catalog.get("klien.client.registered").schema())
    assert projection._FIELD not in [kind for _, kind, _, _ in steps]
