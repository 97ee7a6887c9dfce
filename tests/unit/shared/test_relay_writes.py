"""The relay's batch leaves in one write to the broker's socket (shared/relay.py `_one_write`)."""
from types import SimpleNamespace

import pytest

from shared.relay import _one_write


def connection_writing_to(sent: list):
    return SimpleNamespace(connection=SimpleNamespace(transport=SimpleNamespace(_write=sent.append)))


def test_the_frames_of_a_batch_go_in_one_write_each_copied_when_handed_over():
    sent, frame = [], bytearray(b"first")
    connection = connection_writing_to(sent)
    with _one_write(connection):
        connection.connection.transport._write(memoryview(frame))
        frame[:] = b"again"  # py-amqp reuses its frame buffer for the next message
        connection.connection.transport._write(memoryview(frame))
        assert sent == []
    assert sent == [b"firstagain"]
    connection.connection.transport._write(b"later")  # the transport writes at once again
    assert sent == [b"firstagain", b"later"]


def test_a_batch_that_fails_writes_nothing():
    sent = []
    connection = connection_writing_to(sent)
    with pytest.raises(RuntimeError), _one_write(connection):
        connection.connection.transport._write(b"half a batch")
        raise RuntimeError("the publish failed")
    assert sent == []


def test_a_transport_without_a_socket_write_is_left_alone():
    with _one_write(SimpleNamespace(connection=SimpleNamespace())):
        pass
    with _one_write(None):
        pass
