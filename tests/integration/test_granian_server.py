"""`bapas serve` under granian (BAPAS_HTTP_SERVER=granian, as compose and k8s run it): what it does with slow, unfinished and
malformed requests, which differs from gunicorn's worker (test_slow_clients.py; docs/operations.md,
"HTTP server"). The nginx front of compose and Kubernetes reads every request whole before an API
sees it and answers malformed HTTP itself, so there these differences do not reach a client."""
import os
import signal
import socket
import time

import psutil
import pytest
import requests

from tests.support.poll import eventually
from tests.support.served import answers, serve
from tests.support.slow_clients import close_all, healthz_seconds, trickle

READ_TIMEOUT = 3
THREADS = 2
UNFINISHED_HEADS = (b"", b"GET /healthz HTTP/1.1\r\nHost: x\r\n")


@pytest.fixture
def served(redis_url, tmp_path):
    with serve("klien", redis_url, tmp_path, BAPAS_HTTP_SERVER="granian", BAPAS_HTTP_THREADS=str(THREADS),
               BAPAS_HTTP_READ_TIMEOUT_SECONDS=str(READ_TIMEOUT)) as served:
        yield served


def exchange(port: int, raw: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=READ_TIMEOUT + 10) as sock:
        sock.sendall(raw)
        return sock.recv(65536)


def test_unfinished_heads_do_not_hold_the_request_threads(served):
    port, url, _ = served
    sockets = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(40)]
    try:
        for n, sock in enumerate(sockets):
            sock.sendall(UNFINISHED_HEADS[n % 2])
        assert healthz_seconds(url) < 2
        trickle(sockets)
        assert healthz_seconds(url) < 2
    finally:
        close_all(sockets)


@pytest.mark.parametrize("sent", UNFINISHED_HEADS)
def test_an_unfinished_head_is_closed_without_an_answer_when_its_time_is_up(served, sent):
    """gunicorn's worker answers 408 problem+json to a partial request; granian (hyper) closes it."""
    port, _, _ = served
    started = time.monotonic()
    assert exchange(port, sent) == b""
    assert READ_TIMEOUT - 1 <= time.monotonic() - started <= READ_TIMEOUT + 3


def test_a_request_sent_in_pieces_within_the_time_is_served_and_kept_alive(served):
    port, _, _ = served
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        for piece in (b"GET /hea", b"lthz HTTP/1.1\r\nHo", b"st: x\r\n", b"\r\n"):
            sock.sendall(piece)
            time.sleep(0.3)
        assert sock.recv(65536).startswith(b"HTTP/1.1 200")
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        assert sock.recv(65536).startswith(b"HTTP/1.1 200")


@pytest.mark.parametrize("raw, status", [
    (b"GARBAGE\r\n\r\n", b"400 Bad Request"),
    (b"GET / HTTP/1.1\r\nno colon here\r\n\r\n", b"400 Bad Request"),
    (b"GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n", b"400 Bad Request"),
    (b"POST /clients HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", b"400 Bad Request"),
    (b"POST /clients HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", b"400 Bad Request"),
    (b"POST /clients HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", b"400 Bad Request"),
    (b"GET / HTTP/1.1\r\nHost: x\r\nX: " + b"a" * 200_000 + b"\r\n\r\n", b"431 Request Header Fields Too Large"),
], ids=["request-line", "header-line", "version", "content-length", "two-lengths", "transfer-coding", "huge-head"])
def test_malformed_http_is_refused_by_granian_with_an_empty_body_and_closed(served, raw, status):
    """Not application/problem+json: granian answers protocol errors in Rust, before the application."""
    port, _, _ = served
    head, _, body = exchange(port, raw).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 " + status)
    assert b"connection: close" in head.lower() and b"content-length: 0" in head.lower() and body == b""


def test_a_worker_does_not_outlive_a_killed_main_process(served):
    _, url, process = served
    workers = psutil.Process(process.pid).children()
    assert workers
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    eventually(lambda: not any(worker.is_running() and worker.status() != psutil.STATUS_ZOMBIE
                               for worker in workers), timeout=10, interval=0.1)
    with pytest.raises(requests.ConnectionError):
        requests.get(url + "/healthz", timeout=1)


def test_a_worker_that_dies_is_started_again(served):
    _, url, process = served
    (worker,) = psutil.Process(process.pid).children()
    worker.kill()
    eventually(lambda: [child.pid for child in psutil.Process(process.pid).children()] not in ([], [worker.pid]),
               timeout=30, interval=0.2)
    eventually(lambda: answers(url), timeout=30, interval=0.2)
