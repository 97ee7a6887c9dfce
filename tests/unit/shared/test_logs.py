"""Log lines: one JSON object per line with the documented fields, whatever the message's text."""
import json
import logging

from shared import logs


def line_for(message: str, *args) -> dict:
    record = logging.LogRecord("klien.api", logging.INFO, __file__, 1, message, args, None)
    return json.loads(logs.JsonFormatter("klien").format(record))


def test_a_line_has_the_documented_fields_and_the_message():
    token = logs.request_id.set("req-1")
    try:
        line = line_for("POST %s %s", "/clients", 201)
    finally:
        logs.request_id.reset(token)
    assert list(line) == ["time", "level", "service", "logger", "message", "request_id", "correlation_id"]
    assert (line["level"], line["service"], line["message"], line["request_id"]) == ("info", "klien", "POST /clients 201",
                                                                                      "req-1")


def test_text_orjson_refuses_still_makes_a_json_line():
    assert line_for("bad \udcff %s", 1)["message"] == "bad \udcff 1"
    assert line_for("Śiti ✓")["message"] == "Śiti ✓"
