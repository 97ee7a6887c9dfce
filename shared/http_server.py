"""The HTTP server under `bapas serve`: granian (default) or gunicorn, chosen by BAPAS_HTTP_SERVER.

granian serves the Flask application through its WSGI interface: the HTTP/1.1 protocol (parsing,
keep-alive, the time to read a request's head) is handled in Rust, and the application runs on
BAPAS_HTTP_THREADS blocking threads per worker process. gunicorn runs the services' own gthread
worker (shared/gunicorn_worker.py). What differs between the two (a trickled body, the answer to
malformed HTTP) is in docs/operations.md, "HTTP server".
"""
import ctypes
import importlib
import os
import signal
import sys

from shared import logs
from shared.config import Settings, service_port
from shared.runtime import freeze_start_up_heap

GRACEFUL_SECONDS = 10   # what a worker has to finish its requests once told to stop
KEEP_ALIVE_SECONDS = 5  # gunicorn: idle time a kept-alive connection is held
HEAD_TIMEOUT_LIMIT_MS = 60_000  # the most granian accepts for --http1-header-read-timeout
# granian's read buffer, which bounds a request's head (431 past it): its default, 400 KB, lets one
# client make the server parse 400 KB heads; 64 KB is the most gunicorn's worker waits for too.
HEAD_BUFFER_BYTES = 64 * 1024
PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """This process gets SIGKILL when the one that started it dies (even by SIGKILL): nothing is left
    holding a port or serving requests on its own."""
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def gunicorn_argv(service: str, settings: Settings, access_log: bool) -> list[str]:
    argv = [sys.executable, "-m", "gunicorn", "--worker-class", "shared.gunicorn_worker.ProblemThreadWorker",
            "--workers", str(settings.http_workers), "--threads", str(settings.http_threads),
            "--bind", f"{settings.bind_host}:{service_port(service)}",
            "--graceful-timeout", str(GRACEFUL_SECONDS), "--timeout", "30",
            "--keep-alive", str(KEEP_ALIVE_SECONDS),
            "--logger-class", "shared.gunicorn_logging.JsonGunicornLogger"]
    # Without --access-logfile gunicorn builds no access line at all; with /dev/null it formatted
    # every one under the worker's GIL and threw it away.
    if access_log:
        argv += ["--access-logfile", "-"]
    return argv + [f"services.{service}.app:create_app()"]


def granian_argv(service: str) -> list[str]:
    """A fresh interpreter (prometheus-client picks its multiprocess mode at import) runs `main`."""
    return [sys.executable, "-m", "shared.http_server", service]


def log_config(service: str) -> dict:
    """granian's own lines (and its access lines) as JSON, like every other line of the service."""
    handler = {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"}
    return {
        "version": 1, "disable_existing_loggers": False,
        "formatters": {"json": {"()": "shared.logs.JsonFormatter", "service": service}},
        "handlers": {"console": handler},
        "loggers": {"_granian": {"handlers": ["console"], "level": "INFO", "propagate": False},
                    "granian.access": {"handlers": ["console"], "level": "INFO", "propagate": False}},
    }


def granian_server(service: str, settings: Settings, access_log: bool):
    from granian.constants import HTTPModes, Interfaces
    from granian.http import HTTP1Settings
    from granian.server import Server
    head_timeout_ms = min(max(1, settings.http_read_timeout_seconds * 1000), HEAD_TIMEOUT_LIMIT_MS)
    return Server(
        "shared.http_server:application", address=settings.bind_host, port=service_port(service),
        interface=Interfaces.WSGI, factory=True, http=HTTPModes.http1, websockets=False,
        workers=settings.http_workers, blocking_threads=settings.http_threads,
        http1_settings=HTTP1Settings(header_read_timeout=head_timeout_ms, keep_alive=True,
                                     max_buffer_size=HEAD_BUFFER_BYTES),
        log_dictconfig=log_config(service), log_access=access_log,
        respawn_failed_workers=True, workers_kill_timeout=GRACEFUL_SECONDS)


def application():
    """granian's target, built in each worker process: the service's Flask application. A worker
    outlives a killed granian main process unless told otherwise (gunicorn's workers watch their
    parent; granian's do not)."""
    die_with_parent()
    if os.getppid() != int(os.environ["BAPAS_GRANIAN_MAIN_PID"]):  # the main process died before that
        sys.exit(1)
    service = os.environ["BAPAS_SERVICE"]
    logs.configure(service)
    app = importlib.import_module(f"services.{service}.app").create_app()
    freeze_start_up_heap()
    return app


def main(argv: list[str]) -> None:
    from shared.config import load_settings
    service = argv[0]
    os.environ["BAPAS_SERVICE"] = service
    os.environ["BAPAS_GRANIAN_MAIN_PID"] = str(os.getpid())
    granian_server(service, load_settings(), bool(os.environ.get("BAPAS_ACCESS_LOG"))).serve()


if __name__ == "__main__":
    main(sys.argv[1:])
