"""When the server's main loop has a whole request and may hand it to a thread (shared/gunicorn_worker.py)."""
import pytest

from shared.gunicorn_worker import COMPLETE, INCOMPLETE, WANTS_CONTINUE, request_state

HEAD = b"POST /clients HTTP/1.1\r\nHost: x\r\n"


@pytest.mark.parametrize("buffer, expected", [
    (b"GET /healthz HTTP/1.1\r\nHost: x\r\n", INCOMPLETE),
    (b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", COMPLETE),
    (b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /next", COMPLETE),
    (HEAD + b"Content-Length: 5\r\n\r\nabc", INCOMPLETE),
    (HEAD + b"Content-Length: 5\r\n\r\nabcde", COMPLETE),
    (HEAD + b"Content-Length: 5\r\nExpect: 100-continue\r\n\r\n", WANTS_CONTINUE),
    (HEAD + b"Content-Length: 99999999\r\n\r\n", COMPLETE),            # over the limit: the app answers 413
    (HEAD + b"Content-Length: " + b"9" * 5000 + b"\r\n\r\n", COMPLETE),  # gunicorn refuses it
    (HEAD + b"Content-Length: 1\r\nContent-Length: 2\r\n\r\n", COMPLETE),
    (HEAD + b"Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n", INCOMPLETE),
    (HEAD + b"Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n", INCOMPLETE),
    (HEAD + b"Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", COMPLETE),
    (HEAD + b"Transfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n0\r\nTrailer: 1\r\n\r\n", COMPLETE),
    (HEAD + b"Transfer-Encoding: chunked\r\n\r\nzz\r\n", COMPLETE),
    (HEAD + b"Transfer-Encoding: gzip\r\n\r\n", COMPLETE),
    (b"GET / HTTP/1.1\r\n" + b"X: " + b"a" * 70_000, COMPLETE),           # a head too long to wait for
    (b"GET / HTTP/1.1\r\nno colon here\r\n\r\n", COMPLETE),
])
def test_request_state(buffer, expected):
    assert request_state(buffer, max_body=1_000_000) == expected
