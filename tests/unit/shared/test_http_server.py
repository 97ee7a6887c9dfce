"""`bapas serve`'s choice of HTTP server and how the settings map onto granian and gunicorn."""
import io
import json
import logging
import logging.config

import pytest

from shared import http_server
from shared.config import load_settings


@pytest.fixture
def settings(monkeypatch):
    for name in ("BAPAS_HTTP_SERVER", "BAPAS_HTTP_WORKERS", "BAPAS_HTTP_THREADS", "BAPAS_HTTP_READ_TIMEOUT_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BAPAS_BIND_HOST", "0.0.0.0")
    monkeypatch.setenv("KLIEN_PORT", "5101")

    def load(**env):
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return load_settings()
    return load


def test_gunicorn_is_the_default_and_granian_can_be_chosen(settings):
    assert settings().http_server == "gunicorn"
    assert settings(BAPAS_HTTP_SERVER="granian").http_server == "granian"


def test_an_unknown_server_refuses_to_start(settings):
    with pytest.raises(SystemExit, match="BAPAS_HTTP_SERVER='uvicorn': use one of granian, gunicorn"):
        settings(BAPAS_HTTP_SERVER="uvicorn")


def test_granian_gets_the_workers_threads_bind_and_read_timeout(settings):
    server = http_server.granian_server("klien", settings(BAPAS_HTTP_WORKERS="3", BAPAS_HTTP_THREADS="5",
                                                           BAPAS_HTTP_READ_TIMEOUT_SECONDS="7"), access_log=False)
    assert (server.bind_addr, server.bind_port, server.workers, server.blocking_threads) == ("0.0.0.0", 5101, 3, 5)
    assert server.interface.value == "wsgi" and server.factory and not server.websockets
    assert server.http1_settings.header_read_timeout == 7000 and server.http1_settings.keep_alive
    assert server.respawn_failed_workers and server.workers_kill_timeout == http_server.GRACEFUL_SECONDS
    assert not server.log_access


def test_granian_read_timeout_is_capped_at_what_granian_accepts(settings):
    server = http_server.granian_server("klien", settings(BAPAS_HTTP_READ_TIMEOUT_SECONDS="600"), access_log=True)
    assert server.http1_settings.header_read_timeout == 60_000
    assert server.log_access


def test_gunicorn_gets_its_worker_class_and_an_access_log_only_when_asked(settings):
    argv = http_server.gunicorn_argv("klien", settings(BAPAS_HTTP_THREADS="4"), access_log=False)
    assert argv[argv.index("--threads") + 1] == "4" and argv[argv.index("--bind") + 1] == "0.0.0.0:5101"
    assert "shared.gunicorn_worker.ProblemThreadWorker" in argv and "--access-logfile" not in argv
    assert argv[-1] == "services.klien.app:create_app()"
    assert "--access-logfile" in http_server.gunicorn_argv("klien", settings(), access_log=True)


def test_granian_log_lines_are_json_with_the_service(monkeypatch):
    config = http_server.log_config("pokmas")
    stream = io.StringIO()
    config["handlers"]["console"]["stream"] = stream
    logging.config.dictConfig(config)
    try:
        logging.getLogger("granian.access").info("GET /healthz 200")
        logging.getLogger("_granian").warning("worker-1 exited")
    finally:
        for name in ("granian.access", "_granian"):
            logging.getLogger(name).handlers.clear()
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [(line["service"], line["logger"], line["level"], line["message"]) for line in lines] == [
        ("pokmas", "granian.access", "info", "GET /healthz 200"), ("pokmas", "_granian", "warning", "worker-1 exited")]
