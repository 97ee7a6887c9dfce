"""What every repository does alike: moves between indexes, the version check."""
import pytest

from shared.errors import PreconditionFailed
from shared.records import check_version, move, move_members


class Recorder:
    def __init__(self):
        self.calls = []

    def zrem(self, key, member):
        self.calls.append(("zrem", key, member))

    def zadd(self, key, mapping):
        self.calls.append(("zadd", key, *mapping))

    def eval(self, _script, numkeys, *args):
        """records._MOVE's arguments, read as the script reads them (integration tests run the script)."""
        keys, removed, members = args[:numkeys], args[numkeys], args[numkeys + 1:]
        self.calls += [("zrem" if i < removed else "zadd", key, member)
                       for i, (key, member) in enumerate(zip(keys, members))]


def test_a_record_leaves_the_indexes_it_left_joins_the_new_ones_and_stays_where_it_was():
    pipe = Recorder()
    move(pipe, ["all", "status=active"], "m", ["all", "status=ended"], "m")
    assert sorted(pipe.calls) == [("zadd", "status=ended", "m"), ("zrem", "status=active", "m")]


def test_a_changed_sort_key_rewrites_every_index():
    pipe = Recorder()
    move(pipe, ["all"], "old", ["all"], "new")
    assert pipe.calls == [("zrem", "all", "old"), ("zadd", "all", "new")]


def test_a_new_record_joins_its_indexes():
    pipe = Recorder()
    move(pipe, [], None, ["all"], "m")
    assert pipe.calls == [("zadd", "all", "m")]


def test_many_moves_are_one_command_removals_first():
    pipe = Recorder()
    move_members(pipe, [("a", "old")], [("a", "new"), ("b", "new")])
    assert pipe.calls == [("zrem", "a", "old"), ("zadd", "a", "new"), ("zadd", "b", "new")]


def test_the_version_check():
    check_version(3, None)
    check_version(3, 3)
    with pytest.raises(PreconditionFailed, match="version 3, not 2"):
        check_version(3, 2)
