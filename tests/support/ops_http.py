"""A Flask app served over real HTTP on a free loopback port, for commands that read a feed by URL."""
import contextlib
import threading

from werkzeug.serving import make_server


@contextlib.contextmanager
def served(app):
    """Yield the base URL of `app` served in a background thread; stop it afterwards."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
