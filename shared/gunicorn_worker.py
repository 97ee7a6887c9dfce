"""Gunicorn's gthread worker, with two changes.

Its own parse errors (request line too long, bad header...) are answered as
application/problem+json like every other error, instead of an HTML page: gunicorn writes
those answers through `gunicorn.util.write_error` before Flask sees the request, so that
function is replaced in the worker process.

A bounded time to read a request. Plain gthread hands a connection to one of its few threads
as soon as the first bytes arrive, and the thread then waits for the rest: eight clients that
send half a request hold every thread, and the ninth, health checks included, waits for ever.
Here the main loop reads each request without blocking (its head and, by Content-Length or
chunked framing, its body) and a thread gets the connection only once the whole request is in.
A request not complete within BAPAS_HTTP_READ_TIMEOUT_SECONDS of its first byte (of the
connection, for a new one) is answered 408 and closed, so slow clients cost a socket and a
buffer for a bounded time, never a thread.
"""
import errno
import json
import selectors
import time
from functools import partial

from gunicorn import util
from gunicorn.workers.gthread import TConn, ThreadWorker

from shared.config import load_settings
from shared.runtime import freeze_start_up_heap

HEAD_LIMIT = 64 * 1024  # larger than gunicorn accepts: past it, gunicorn answers the refusal itself
COMPLETE, INCOMPLETE, WANTS_CONTINUE = "complete", "incomplete", "wants-continue"


def write_problem(sock, status_int, reason, mesg):
    if status_int == 501:  # unsupported transfer coding: a malformed request, not a missing feature
        status_int, reason = 400, "Bad Request"
    body = json.dumps({"type": "urn:bapas:problem:malformed-request", "title": reason, "status": status_int,
                       "detail": mesg or reason}).encode()
    head = (f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\n"
            f"Content-Type: application/problem+json\r\nContent-Length: {len(body)}\r\n\r\n").encode("latin1")
    util.write_nonblock(sock, head + body)


util.write_error = write_problem


def request_state(buffer: bytes, max_body: int) -> str:
    """Whether `buffer` holds a whole HTTP/1.1 request. Anything malformed or too large counts as
    complete: gunicorn's parser (or the app's 413) then refuses it at once."""
    end = buffer.find(b"\r\n\r\n")
    if end < 0:
        return COMPLETE if len(buffer) > HEAD_LIMIT else INCOMPLETE
    headers: dict[str, list[str]] = {}
    for line in buffer[:end].decode("latin-1").split("\r\n")[1:]:
        name, colon, value = line.partition(":")
        if not colon:
            return COMPLETE
        headers.setdefault(name.strip().lower(), []).append(value.strip().lower())
    body = buffer[end + 4:]
    if "transfer-encoding" in headers:
        if not headers["transfer-encoding"][-1].endswith("chunked"):
            return COMPLETE
        state = COMPLETE if _chunked_complete(body, max_body) else INCOMPLETE
    elif "content-length" in headers:
        lengths = headers["content-length"]
        if len(lengths) != 1 or not lengths[0].isascii() or not lengths[0].isdigit() or len(lengths[0]) > 18:
            return COMPLETE
        length = int(lengths[0])
        state = COMPLETE if length > max_body or len(body) >= length else INCOMPLETE
    else:
        return COMPLETE
    if state == INCOMPLETE and not body and headers.get("expect") == ["100-continue"]:
        return WANTS_CONTINUE
    return state


def _chunked_complete(body: bytes, max_body: int) -> bool:
    """True when the chunked body is whole, or so malformed or large that waiting is pointless."""
    position = 0
    while True:
        line_end = body.find(b"\r\n", position)
        if line_end < 0:
            return len(body) - position > 1024
        try:
            size = int(body[position:line_end].split(b";")[0].strip(), 16)
        except ValueError:
            return True
        if size == 0:
            rest = body[line_end + 2:]
            return rest.startswith(b"\r\n") or b"\r\n\r\n" in rest
        if size > max_body:
            return True
        position = line_end + 2 + size + 2
        if position > len(body):
            return False


class ProblemThreadWorker(ThreadWorker):
    def init_process(self):
        settings = load_settings()
        self.read_timeout = settings.http_read_timeout_seconds
        self.max_body = settings.max_body_bytes
        self._reading: dict[TConn, float] = {}  # connections whose request is still arriving -> deadline
        super().init_process()

    def load_wsgi(self):
        super().load_wsgi()
        freeze_start_up_heap()

    def accept(self, server, listener):
        try:
            sock, client = listener.accept()
        except OSError as e:
            if e.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        conn = TConn(self.cfg, sock, client, server)
        conn.pending, conn.continued = bytearray(), False
        self.nr_conns += 1
        with self._lock:
            self._reading[conn] = time.monotonic() + self.read_timeout
            self.poller.register(conn.sock, selectors.EVENT_READ, partial(self.on_client_socket_readable, conn))

    def on_client_socket_readable(self, conn, client):
        with self._lock:
            self.poller.unregister(client)
            if conn not in self._reading:  # a kept-alive connection: its next request begins
                try:
                    self._keep.remove(conn)
                except ValueError:  # closed as idle meanwhile
                    return
                self._reading[conn] = time.monotonic() + self.read_timeout
        if self.cfg.is_ssl:  # TLS bytes cannot be framed here; gunicorn's own blocking read
            self._dispatch(conn)
            return
        try:
            data = conn.sock.recv(65536)
        except BlockingIOError:
            data = None
        except OSError:
            data = b""
        if data == b"":  # the client left
            self._forget(conn)
            return
        if data:
            conn.pending += data
        state = request_state(bytes(conn.pending), self.max_body)
        if state == WANTS_CONTINUE and not conn.continued:
            conn.continued = True
            util.write_nonblock(conn.sock, b"HTTP/1.1 100 Continue\r\n\r\n")
        if state == COMPLETE:
            self._dispatch(conn)
        else:
            with self._lock:
                self.poller.register(conn.sock, selectors.EVENT_READ, partial(self.on_client_socket_readable, conn))

    def _dispatch(self, conn) -> None:
        with self._lock:
            self._reading.pop(conn, None)
        conn.init()
        if conn.pending:
            conn.parser.unreader.unread(bytes(conn.pending))
            conn.pending.clear()
        conn.sock.settimeout(self.read_timeout)  # a thread never waits longer than this on a client
        future = self.tpool.submit(self.handle, conn)
        self._wrap_future(future, conn)

    def finish_request(self, fs):
        fs.conn.continued = False
        super().finish_request(fs)

    def murder_keepalived(self):
        super().murder_keepalived()
        now = time.monotonic()
        with self._lock:
            expired = [conn for conn, deadline in self._reading.items() if deadline <= now]
            for conn in expired:
                try:
                    self.poller.unregister(conn.sock)
                except (KeyError, ValueError, OSError):
                    pass
        for conn in expired:
            if conn.pending:
                try:
                    write_problem(conn.sock, 408, "Request Timeout",
                                  f"the request was not complete within {self.read_timeout} seconds")
                except OSError:
                    pass
            self._forget(conn)

    def _forget(self, conn) -> None:
        with self._lock:
            self._reading.pop(conn, None)
        self.nr_conns -= 1
        conn.close()
