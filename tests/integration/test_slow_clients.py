"""Slow or unfinished requests cost the server a socket for a bounded time, never one of its
request threads (issue 14, item 1): `bapas serve` under many of them still answers at once, and
an unfinished request is answered 408 and closed when its time is up.

This is gunicorn's guarantee (BAPAS_HTTP_SERVER=gunicorn, shared/gunicorn_worker.py). What granian,
the default, does with slow requests is in test_granian_server.py: it bounds the head, not the body."""
import socket
import time

import pytest
import requests

from tests.support.served import serve
from tests.support.slow_clients import close_all, healthz_seconds, open_slow_connections, trickle

READ_TIMEOUT = 3


@pytest.fixture
def served(redis_url, tmp_path):
    with serve("klien", redis_url, tmp_path, BAPAS_HTTP_SERVER="gunicorn", BAPAS_HTTP_THREADS="4",
               BAPAS_HTTP_READ_TIMEOUT_SECONDS=str(READ_TIMEOUT)) as (port, url, _):
        yield port, url


def test_many_unfinished_requests_do_not_hold_the_request_threads(served):
    port, url = served
    sockets = open_slow_connections(port, 60)
    try:
        time.sleep(0.5)
        assert healthz_seconds(url) < 2
        trickle(sockets)
        assert healthz_seconds(url) < 2
        assert requests.post(url + "/clients", json={}, timeout=2).status_code == 401   # a whole body still served
    finally:
        close_all(sockets)


def test_an_unfinished_request_is_answered_408_and_closed_when_its_time_is_up(served):
    port, _ = served
    partial = socket.create_connection(("127.0.0.1", port), timeout=READ_TIMEOUT + 10)
    silent = socket.create_connection(("127.0.0.1", port), timeout=READ_TIMEOUT + 10)
    partial.sendall(b"POST /clients HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n{")
    started = time.monotonic()
    answer = partial.recv(65536)
    assert answer.startswith(b"HTTP/1.1 408"), answer
    assert b"application/problem+json" in answer
    assert silent.recv(1) == b""       # closed, nothing said
    assert READ_TIMEOUT - 1 <= time.monotonic() - started <= READ_TIMEOUT + 3
    partial.close()
    silent.close()


def test_a_request_sent_in_pieces_within_the_time_is_served(served):
    port, _ = served
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        for piece in (b"GET /hea", b"lthz HTTP/1.1\r\nHo", b"st: x\r\n", b"\r\n"):
            sock.sendall(piece)
            time.sleep(0.3)
        assert sock.recv(65536).startswith(b"HTTP/1.1 200")
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")   # kept alive: the next request too
        assert sock.recv(65536).startswith(b"HTTP/1.1 200")
