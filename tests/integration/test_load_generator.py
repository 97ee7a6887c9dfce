"""bench/load.py against a local server that answers in pieces, closes every third connection and refuses
some bodies: every body posted once, every answer counted, the created ids collected."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from bench import load


class _Handler(BaseHTTPRequestHandler):
    """Answers in two writes; every third request with Connection: close; a body without "ok" with 422."""
    protocol_version = "HTTP/1.1"
    seen: list = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.seen.append((self.headers["Authorization"], self.headers["Content-Type"], body))
        status, answer = (201, json.dumps({"id": body["n"]}).encode()) if body.get("ok") else (422, b"{}")
        close = body["n"] % 3 == 0
        head = (f"HTTP/1.1 {status} X\r\nContent-Length: {len(answer)}\r\n"
                f"{'Connection: close' + chr(13) + chr(10) if close else ''}\r\n").encode()
        self.wfile.write(head[:10])
        self.wfile.flush()
        self.wfile.write(head[10:] + answer)
        self.close_connection = close

    def log_message(self, *args):
        pass


def test_a_run_posts_every_body_once_and_counts_what_came_back():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    bodies = [{"n": n, "ok": n % 5 != 0} for n in range(60)]
    try:
        result = load.run(f"http://127.0.0.1:{server.server_port}", "/x", "tok", "enrollment", seconds=30,
                          processes=2, threads=3, bodies=bodies)
    finally:
        server.shutdown()
    assert result.statuses == {201: 48, 422: 12} and (result.ok, result.failed) == (48, 12)
    assert sorted(result.created) == [n for n in range(60) if n % 5]
    assert sorted(body["n"] for _, _, body in _Handler.seen) == list(range(60))
    assert {seen[:2] for seen in _Handler.seen} == {("Bearer tok", "application/json")}
    assert result.cpu > 0
