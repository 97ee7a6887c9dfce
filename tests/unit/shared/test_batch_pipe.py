"""Which keys a command names, as the batch's read-after-write check sees them."""
import pytest

from shared.batch_pipe import BatchPipe, ReadAfterWrite, keys_of


@pytest.mark.parametrize("args, keys", [
    (("GET", "k"), ("k",)), (("HSET", "h", "f", "v"), ("h",)), (("MGET", "a", "b"), ("a", "b")),
    (("MSET", "a", "1", "b", "2"), ("a", "b")), (("EVAL", "return 1", 2, "a", "b", "arg"), ("a", "b")),
    (("ZADD", "z", 0, "m"), ("z",)),
])
def test_the_keys_of_known_commands(args, keys):
    assert tuple(keys_of(args)) == keys


def test_an_unknown_command_has_no_known_keys():
    assert keys_of(("OBJECT", "ENCODING", "k")) is None


class Recording:
    def __init__(self):
        self.sent = []

    def execute_command(self, *args, **options):
        self.sent.append(args)
        return "value"


def test_a_read_of_a_key_written_earlier_in_the_batch_splits_it_and_others_pass():
    batch = BatchPipe(Recording())
    first = batch.for_event()
    first.multi()
    first.set("written", "1")
    batch.add(first)
    second = batch.for_event()
    assert second.get("other") == "value"
    with pytest.raises(ReadAfterWrite):
        second.hget("written", "f")


def test_after_a_write_by_an_unknown_command_every_read_splits_the_batch():
    batch = BatchPipe(Recording())
    first = batch.for_event()
    first.multi()
    first.execute_command("SOMEWRITE", "k", "v")
    batch.add(first)
    with pytest.raises(ReadAfterWrite):
        batch.for_event().get("anything")


def test_the_applier_watches_the_keys_a_planned_read_names_not_its_fields():
    from shared.inbox import _keys_read
    planned = [("HGET", "pokmas:util:p1", "enrollment-1"), ("MGET", "a", "b"), ("HGET", "pokmas:util:p1", "e2"),
               ("OBJECT", "ENCODING", "k")]   # a command the key table does not know: all its arguments
    assert list(_keys_read(planned)) == ["pokmas:util:p1", "a", "b", "ENCODING", "k"]
