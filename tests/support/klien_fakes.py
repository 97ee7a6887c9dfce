"""Stand-ins for bimbingan and pokmas over real HTTP, for klien's export tests."""
import threading

from flask import Flask, jsonify, request
from werkzeug.serving import make_server

from tests.support.ports import free_port


class FakeService:
    """Answers GET paths from a dict {path: body}; anything else 404; records the Authorization headers."""

    def __init__(self, routes: dict, status: int = 200):
        self.routes, self.status, self.seen = routes, status, []
        app = Flask("fake")

        @app.get("/<path:path>")
        def answer(path):
            self.seen.append((request.full_path, request.headers.get("Authorization", "")))
            body = self.routes.get("/" + path)
            if body is None:
                return jsonify(status=404), 404
            return jsonify(body), self.status

        self.port = free_port()
        self.server = make_server("127.0.0.1", self.port, app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
