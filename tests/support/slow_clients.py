"""Clients that open a connection and send a request slowly, or half of it, and keep it open."""
import socket
import time

import requests

PARTIAL_REQUESTS = (
    b"GET /healthz HTTP/1.1\r\nHost: x\r\n",                                            # head never ends
    b"POST /clients HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"na",
    b"POST /clients HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"nam",  # chunk never ends
    b"",                                                                                  # connects, says nothing
)


def open_slow_connections(port: int, count: int) -> list[socket.socket]:
    sockets = []
    for n in range(count):
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        sock.sendall(PARTIAL_REQUESTS[n % len(PARTIAL_REQUESTS)])
        sockets.append(sock)
    return sockets


def trickle(sockets: list[socket.socket]) -> None:
    """One more byte on each connection, as a slowloris keeps its requests alive."""
    for sock in sockets:
        try:
            sock.sendall(b"X")
        except OSError:
            pass


def healthz_seconds(base_url: str, timeout: float = 2.0) -> float:
    started = time.monotonic()
    response = requests.get(f"{base_url}/healthz", timeout=timeout)
    assert response.status_code == 200
    return time.monotonic() - started


def close_all(sockets: list[socket.socket]) -> None:
    for sock in sockets:
        sock.close()
