"""One process of bench/load.py: jobs (a JSON line each) on stdin, their counts on stdout. One event loop
(epoll) over its keep-alive connections, one request in flight per connection (no pipelining); each
request a pre-encoded head plus a body made from a template (payloads.encoded) or given, each answer cut
by its Content-Length without http.client, the created id found without parsing the whole answer where
that is unambiguous. Started with `python -S`: it imports the standard library and the payloads only."""
import json
import re
import resource
import select
import socket
import sys
import time
from urllib.parse import urlsplit

from tests.support import faults_payloads as payloads

TIMEOUT = 30.0  # an answer not complete this long after its request counts as failed
_ID = re.compile(rb'"id"\s*:\s*"([^"\\]*)"')


class Counts:
    """What one worker saw in one job (bench.load.LoadResult's fields but cpu)."""

    def __init__(self):
        self.ok, self.failed, self.seconds, self.created, self.statuses = 0, 0, 0.0, [], {}


def work(job: list) -> Counts:
    """job: [url, path, token, kind, seconds, shares (one per connection: its bodies, or None to make
    `kind` bodies), each connection's rate (requests per second, or None)]."""
    url, path, token, kind, seconds, shares, rate = job
    parts = urlsplit(url)
    head = (f"POST {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nAccept-Encoding: identity\r\n"
            f"Content-Type: application/json\r\nAuthorization: Bearer {token}\r\nContent-Length: ").encode()
    sources = [iter([json.dumps(body).encode() for body in share]) if share is not None else payloads.encoded(kind)
               for share in shares]
    result = Counts()
    start = time.monotonic()
    _Loop((parts.hostname, parts.port), head, result, start + seconds, rate).run(sources)
    result.seconds = time.monotonic() - start
    return result


class _Sender:
    """One keep-alive connection, the body source it posts from, and its request in flight (`asked`: when it
    was sent; 0.0 while none is)."""
    __slots__ = ("bodies", "sock", "buffer", "sent", "asked")

    def __init__(self, bodies):
        self.bodies, self.sock, self.buffer, self.sent, self.asked = bodies, None, b"", 0, 0.0


class _Loop:
    """One process's senders: each posts, waits for its answer, posts again, until the deadline (a request
    in flight then is still answered) or its bodies run out; with a rate, each waits for its turn."""

    def __init__(self, address, head: bytes, result: Counts, deadline: float, rate: float | None):
        self.address, self.head, self.result, self.deadline, self.rate = address, head, result, deadline, rate
        self.poller, self.by_fd = select.epoll(), {}  # fd -> its sender, while it has a connection
        self.waiting: list[tuple[float, _Sender]] = []  # (when, sender): paced senders not yet due
        self.start = self.checked = time.monotonic()

    def run(self, sources) -> None:
        busy = sum(self._post(_Sender(source)) for source in sources)
        while busy or self.waiting:
            timeout = min(when for when, _ in self.waiting) - time.monotonic() if self.waiting else 1.0
            for fd, _ in self.poller.poll(min(max(timeout, 0.0), 1.0)):
                sender = self.by_fd.get(fd)
                if sender is not None and self._receive(sender):
                    busy -= 1
                    busy += self._next(sender)
            now = time.monotonic()
            if self.waiting and min(when for when, _ in self.waiting) <= now:
                due = [sender for when, sender in self.waiting if when <= now]
                self.waiting = [(when, sender) for when, sender in self.waiting if when > now]
                busy += sum(self._post(sender) for sender in due)
            if now - self.checked > 1.0:
                self.checked = now
                busy -= self._expire(now)
        self.poller.close()

    def _next(self, sender: _Sender) -> int:
        """After an answer or a failure: post now, or queue the sender for its turn when paced."""
        if not self.rate:
            return self._post(sender)
        self.waiting.append((min(self.start + sender.sent / self.rate, self.deadline), sender))
        return 0

    def _post(self, sender: _Sender) -> int:
        """Send the sender's next request; 1 if one is in flight, 0 if the sender is done or waits its turn.
        A request that cannot be sent counts as failed; the next one goes on a new connection."""
        while time.monotonic() < self.deadline:
            body = next(sender.bodies, None)
            if body is None:
                break
            sender.sent += 1
            try:
                if sender.sock is None:
                    sender.sock = socket.create_connection(self.address, timeout=TIMEOUT)
                    sender.sock.settimeout(None)  # blocking: no poll() before each call; reads follow epoll's
                    sender.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                    self.by_fd[sender.sock.fileno()] = sender
                    self.poller.register(sender.sock, select.EPOLLIN)
                sender.sock.sendall(b"%s%d\r\n\r\n%s" % (self.head, len(body), body))
            except OSError:
                self._fail(sender)
                if self.rate:
                    return self._next(sender)
                continue
            sender.asked = time.monotonic()
            return 1
        self._close(sender)
        return 0

    def _receive(self, sender: _Sender) -> bool:
        """Read what arrived; True once the request in flight is over (answered or failed). An idle
        connection the server closed is closed here, to be opened again for the next request."""
        try:
            data = sender.sock.recv(65536)
        except OSError:
            data = None
        if not sender.asked:
            if not data:
                self._close(sender)
            return False
        if data is None:
            self._fail(sender)
            return True
        sender.buffer += data
        try:
            answer = parse(sender.buffer, eof=not data)
        except ValueError:
            self._fail(sender)
            return True
        if answer is None:
            return False
        status, body, keep_alive, used = answer
        sender.buffer, sender.asked = sender.buffer[used:], 0.0
        self._count(status, body)
        if not keep_alive:
            self._close(sender)
        return True

    def _count(self, status: int, body: bytes) -> None:
        result = self.result
        result.statuses[status] = result.statuses.get(status, 0) + 1
        if 200 <= status < 300:
            result.ok += 1
            result.created.append(created_id(body))
        else:
            result.failed += 1

    def _expire(self, now: float) -> int:
        """Fail the requests unanswered for TIMEOUT; how many (their senders go on)."""
        stale = [sender for sender in self.by_fd.values() if sender.asked and now - sender.asked > TIMEOUT]
        for sender in stale:
            self._fail(sender)
        return sum(1 - self._next(sender) for sender in stale)

    def _fail(self, sender: _Sender) -> None:
        self.result.failed += 1
        self._close(sender)

    def _close(self, sender: _Sender) -> None:
        if sender.sock is not None:
            self.poller.unregister(sender.sock)
            del self.by_fd[sender.sock.fileno()]
            sender.sock.close()
        sender.sock, sender.buffer, sender.asked = None, b"", 0.0


def parse(data: bytes, eof: bool = False) -> tuple[int, bytes, bool, int] | None:
    """The HTTP/1.1 answer at the start of `data`: (status, body, keep-alive, bytes used), or None while it
    is incomplete. `eof`: the server closed the connection after `data`. ValueError if it cannot be one."""
    end = data.find(b"\r\n\r\n")
    if end < 0:
        if eof:
            raise ValueError("the connection closed before the answer's head was complete")
        return None
    head = data[:end].lower()
    if not head.startswith(b"http/1."):
        raise ValueError(f"not an HTTP/1.x answer: {bytes(data[:40])!r}")
    status = int(head[9:12])
    if 100 <= status < 200:  # an interim answer (100 Continue): the real one follows
        following = parse(data[end + 4:], eof)
        return following and (*following[:3], end + 4 + following[3])
    connection = _header(head, b"connection")
    keep_alive = b"close" not in connection if head[7:8] == b"1" else b"keep-alive" in connection
    start = end + 4
    length = _header(head, b"content-length")
    if status in (204, 304):
        length = b"0"
    if length:
        stop = start + int(length)
        return (status, data[start:stop], keep_alive, stop) if len(data) >= stop else _short(eof)
    if b"chunked" in _header(head, b"transfer-encoding"):
        chunks = _chunked(data, start)
        return (status, chunks[0], keep_alive, chunks[1]) if chunks else _short(eof)
    return (status, data[start:], False, len(data)) if eof else None


def _header(head: bytes, name: bytes) -> bytes:
    """A header's value in a lowercased head (b"" when absent)."""
    found = head.find(b"\r\n" + name + b":")
    if found < 0:
        return b""
    found += len(name) + 3
    stop = head.find(b"\r\n", found)
    return head[found:stop if stop >= 0 else len(head)].strip()


def _chunked(data: bytes, at: int) -> tuple[bytes, int] | None:
    """A chunked body from `at`: (body, end of the answer), or None while incomplete."""
    parts = []
    while True:
        line_end = data.find(b"\r\n", at)
        if line_end < 0:
            return None
        size = int(data[at:line_end].split(b";", 1)[0], 16)
        at = line_end + 2
        if size == 0:
            trailer_end = data.find(b"\r\n\r\n", at - 2)
            return (b"".join(parts), trailer_end + 4) if trailer_end >= 0 else None
        if len(data) < at + size + 2:
            return None
        parts.append(data[at:at + size])
        at += size + 2


def _short(eof: bool) -> None:
    if eof:
        raise ValueError("the connection closed before the answer's body was complete")
    return None


def created_id(body: bytes):
    """The answer's top-level "id": found by a regular expression when the body names "id" once (a
    fifth of json.loads's cost), else from the parsed JSON."""
    if body.count(b'"id"') == 1:
        found = _ID.search(body)
        if found:
            return found.group(1).decode()
    try:
        answer = json.loads(body)
    except ValueError:
        return None
    return answer.get("id") if isinstance(answer, dict) else None


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


if __name__ == "__main__":  # jobs, one JSON line each, until the caller closes stdin
    for job in sys.stdin.buffer:
        before = _cpu()
        done = work(json.loads(job))
        sys.stdout.write(json.dumps({**vars(done), "cpu": _cpu() - before}) + "\n")
        sys.stdout.flush()
