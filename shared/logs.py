"""JSON log lines with the service, request id and correlation id on every line.

Messages carry ids and codes only; personal data (names, NIK, addresses, notes)
is never passed to a logger.
"""
import contextlib
import contextvars
import logging
import os
import sys

from shared import clock, jsontext

request_id = contextvars.ContextVar("request_id", default=None)
correlation_id = contextvars.ContextVar("correlation_id", default=None)


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str):
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": clock.instant(),
            "level": record.levelname.lower(),
            "service": self.service,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": request_id.get(),
            "correlation_id": correlation_id.get(),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        # shared.jsontext: orjson, about a tenth of the json module's cost (a write's log line is
        # formatted in the request, issue 21); text orjson refuses (a lone surrogate) is escaped by
        # the json module, so the line is still written.
        return jsontext.dumps(line, default=str)


def configure(service: str, level: str | None = None) -> None:
    """`level` defaults to BAPAS_LOG_LEVEL (info; debug adds a line for every API read)."""
    level = (level or os.environ.get("BAPAS_LOG_LEVEL") or "INFO").upper()
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    # No line names its thread, process or source line (JsonFormatter above, for gunicorn's lines too):
    # a record need not look them up, nor walk the stack for its caller (the logging HOWTO's
    # "Optimization"; about 13,000 of a line's 80,000 instructions).
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    logging._srcfile = None
    root.setLevel(level)
    for noisy in ("kombu", "amqp", "urllib3", "werkzeug"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


@contextlib.contextmanager
def correlation(value: str):
    token = correlation_id.set(value)
    try:
        yield
    finally:
        correlation_id.reset(token)
