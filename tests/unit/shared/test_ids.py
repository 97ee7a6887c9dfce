"""Ids: new ones are random version 4 UUIDs in canonical text, as is_uuid accepts them."""
import uuid

from shared import ids


def test_a_new_id_is_a_canonical_random_uuid_and_never_repeats():
    made = [ids.new_id() for _ in range(2000)]
    assert len(set(made)) == len(made)
    for value in made:
        parsed = uuid.UUID(value)
        assert str(parsed) == value and parsed.version == 4 and parsed.variant == uuid.RFC_4122
        assert ids.is_uuid(value)
