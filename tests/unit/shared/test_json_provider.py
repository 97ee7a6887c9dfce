"""The orjson provider answers the JSON Flask's default provider did (issue 21)."""
import datetime
import decimal
import json
import uuid

from flask import Flask, jsonify

from shared.http.json_provider import OrjsonProvider


def _both(obj):
    plain, fast = Flask("plain"), Flask("fast")
    fast.json = OrjsonProvider(fast)
    with plain.app_context():
        before = jsonify(obj)
    with fast.app_context():
        after = jsonify(obj)
    return before, after


def test_same_value_sorted_compact_with_newline_and_flask_dates():
    obj = {"z": 1, "a": [1.5, None, True], "day": datetime.date(2026, 1, 2), "id": uuid.UUID(int=5),
           "at": datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc),
           "amount": decimal.Decimal("1.10"), "nested": {"y": 1, "x": "ascii"}}
    before, after = _both(obj)
    assert after.get_data() == before.get_data()
    assert after.mimetype == "application/json"


def test_text_is_utf8_and_reads_back_the_same():
    before, after = _both({"nama": "Siti Aisyah Nurül"})
    assert "Nurül".encode() in after.get_data()
    assert json.loads(after.get_data()) == json.loads(before.get_data())


def test_what_orjson_refuses_is_answered_by_flask_and_nan_is_null():
    before, after = _both({"big": 2 ** 70})
    assert after.get_data() == before.get_data()
    assert json.loads(_both({"n": float("nan")})[1].get_data()) == {"n": None}


def test_debug_mode_keeps_flask_indented_output():
    app = Flask("debug")
    app.debug = True
    app.json = OrjsonProvider(app)
    with app.app_context():
        assert jsonify({"a": 1}).get_data() == b'{\n  "a": 1\n}\n'
