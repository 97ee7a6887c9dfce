"""`bapas run` streams each child's output with the child's name in front of every line."""
import io

from shared.supervisor import _stream


class Pipe:
    """A child's stdout that hands over what it holds in the pieces given (as a pipe's read1 does)."""

    def __init__(self, *pieces: bytes):
        self.pieces = list(pieces)

    def read1(self, _size: int) -> bytes:
        return self.pieces.pop(0) if self.pieces else b""


def streamed(*pieces: bytes) -> list[bytes]:
    out = io.BytesIO()
    _stream("klien-api", Pipe(*pieces), out, gather=0)
    return out.getvalue().split(b"\n")


def test_every_line_gets_the_name_even_when_a_read_cuts_it_in_two():
    lines = streamed(b'{"message":"POST /clients 201"}\n{"mess', b'age":"second"}\n', b'{"message":"third"}\n')
    assert lines == [b'klien-api         | {"message":"POST /clients 201"}',
                     b'klien-api         | {"message":"second"}',
                     b'klien-api         | {"message":"third"}', b""]


def test_the_last_line_of_a_child_that_ends_without_a_newline_is_kept():
    assert streamed(b"starting\nkilled mid-li", b"ne") == [b"klien-api         | starting",
                                                         b"klien-api         | killed mid-line", b""]


def test_bytes_that_are_not_utf8_pass_through_unchanged():
    assert streamed(b"caf\xe9\n") == [b"klien-api         | caf\xe9", b""]
