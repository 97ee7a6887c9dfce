"""Gunicorn's gthread worker, with its own parse errors (request line too long, bad header...)
answered as application/problem+json like every other error, instead of an HTML page.

Gunicorn writes those answers through `gunicorn.util.write_error` before Flask sees the
request, so that function is replaced in the worker process.
"""
import json

from gunicorn import util
from gunicorn.workers.gthread import ThreadWorker


def write_problem(sock, status_int, reason, mesg):
    if status_int == 501:  # unsupported transfer coding: a malformed request, not a missing feature
        status_int, reason = 400, "Bad Request"
    body = json.dumps({"type": "urn:bapas:problem:malformed-request", "title": reason, "status": status_int,
                       "detail": mesg or reason}).encode()
    head = (f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\n"
            f"Content-Type: application/problem+json\r\nContent-Length: {len(body)}\r\n\r\n").encode("latin1")
    util.write_nonblock(sock, head + body)


util.write_error = write_problem


class ProblemThreadWorker(ThreadWorker):
    pass
