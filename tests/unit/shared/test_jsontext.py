"""Stored JSON text (records, events, audit entries): what the json module would have stored, read back."""
import json

from shared import jsontext


def test_stored_text_reads_back_as_the_json_modules_would_have():
    record = {"name": "Śiti ✓", "z": 1, "a": [1.5, None, True, {"k": "v"}], "big": 2 ** 70}
    assert json.loads(jsontext.dumps(record)) == json.loads(json.dumps(record)) == record
    assert list(json.loads(jsontext.dumps(record))) == list(record)
    assert list(json.loads(jsontext.dumps(record, sort_keys=True))) == sorted(record)
    assert json.loads(jsontext.dumps({1: "x", "s": "\udcff"})) == {"1": "x", "s": "\udcff"}
