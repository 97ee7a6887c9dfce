"""Stored JSON text (records, events, audit entries): what the json module would have stored, read back;
and text read as the json module reads it."""
import json
import math

import pytest

from shared import jsontext


def test_stored_text_reads_back_as_the_json_modules_would_have():
    record = {"name": "Śiti ✓", "z": 1, "a": [1.5, None, True, {"k": "v"}], "big": 2 ** 70}
    assert json.loads(jsontext.dumps(record)) == json.loads(json.dumps(record)) == record
    assert list(json.loads(jsontext.dumps(record))) == list(record)
    assert list(json.loads(jsontext.dumps(record, sort_keys=True))) == sorted(record)
    assert json.loads(jsontext.dumps({1: "x", "s": "\udcff"})) == {"1": "x", "s": "\udcff"}


def test_text_is_read_as_the_json_module_reads_it():
    for text in ('{"name": "Śiti ✓", "a": [1.5, null, true, {"k": "v"}], "n": -0}', '{"big": 1180591620717411303424}',
                 '{"s": "\\udcff"}', '[1e400]'):
        assert jsontext.loads(text) == json.loads(text)
    assert math.isnan(jsontext.loads('{"x": NaN}')["x"])  # what orjson refuses, the json module reads
    with pytest.raises(ValueError):
        jsontext.loads('{"x": ')
