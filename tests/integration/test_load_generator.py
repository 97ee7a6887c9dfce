"""bench/load.py against a local server that answers in pieces, closes every third connection and refuses
some bodies: every body posted once, every answer counted, the created ids collected."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench import load
from tests.support.ports import free_port


class _Handler(BaseHTTPRequestHandler):
    """Answers in two writes; every third request with Connection: close; a body without "ok" with 422."""
    protocol_version = "HTTP/1.1"
    seen: list = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.seen.append((self.headers["Authorization"], self.headers["Content-Type"], body))
        status, answer = (201, json.dumps({"id": body.get("n")}).encode()) if body.get("ok", True) else (422, b"{}")
        close = body.get("n", 1) % 3 == 0
        head = (f"HTTP/1.1 {status} X\r\nContent-Length: {len(answer)}\r\n"
                f"{'Connection: close' + chr(13) + chr(10) if close else ''}\r\n").encode()
        self.wfile.write(head[:10])
        self.wfile.flush()
        self.wfile.write(head[10:] + answer)
        self.close_connection = close

    def log_message(self, *args):
        pass


@pytest.fixture
def url():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Handler.seen = []
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_a_run_posts_every_body_once_and_counts_what_came_back(url):
    bodies = [{"n": n, "ok": n % 5 != 0} for n in range(60)]
    result = load.run(url, "/x", "tok", "enrollment", seconds=30, processes=2, threads=3, bodies=bodies)
    assert result.statuses == {201: 48, 422: 12} and (result.ok, result.failed) == (48, 12)
    assert sorted(result.created) == [n for n in range(60) if n % 5]
    assert sorted(body["n"] for _, _, body in _Handler.seen) == list(range(60))
    assert {seen[:2] for seen in _Handler.seen} == {("Bearer tok", "application/json")}
    assert result.cpu > 0


def test_a_paced_run_keeps_to_its_rate_with_fresh_bodies(url):
    result = load.run(url, "/x", "tok", "floor", seconds=1.5, processes=2, threads=2, rate=40)
    assert 50 <= result.ok <= 64 and result.failed == 0     # 40/s x 1.5 s, each sender's first at once
    numbers = [body["register_number"] for _, _, body in _Handler.seen]
    assert len(set(numbers)) == len(numbers) == result.ok


def test_a_refused_connection_counts_each_request_failed_and_the_run_still_ends():
    result = load.run(f"http://127.0.0.1:{free_port()}", "/x", "tok", "floor", seconds=0.5, processes=1,
                      threads=2, rate=20)
    assert result.ok == 0 and result.failed >= 8 and result.seconds < 5
