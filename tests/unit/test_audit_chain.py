"""The audit record's hash chain (qualify.core.audit): any edit, deletion or reordering shows."""

from __future__ import annotations

from qualify.core.audit import GENESIS, ChainLink, entry_hash, verify_chain


def _chain(*fields: dict[str, object]) -> list[ChainLink]:
    links, prev = [], GENESIS
    for f in fields:
        h = entry_hash(prev, f)
        links.append(ChainLink(fields=f, prev_hash=prev, hash=h))
        prev = h
    return links


def test_an_untouched_chain_verifies() -> None:
    chain = _chain({"action": "add", "after": {"level": 2}}, {"action": "change", "after": {"level": 3}})
    assert verify_chain(chain) is None


def test_the_hash_does_not_depend_on_the_order_of_keys() -> None:
    assert entry_hash(GENESIS, {"a": 1, "b": "二"}) == entry_hash(GENESIS, {"b": "二", "a": 1})


def test_the_hash_covers_the_previous_hash() -> None:
    assert entry_hash(GENESIS, {"a": 1}) != entry_hash("f" * 64, {"a": 1})


def test_an_edited_entry_is_found() -> None:
    chain = _chain({"n": 1}, {"n": 2}, {"n": 3})
    chain[1] = ChainLink(fields={"n": 20}, prev_hash=chain[1].prev_hash, hash=chain[1].hash)
    assert verify_chain(chain) == 1


def test_an_entry_rehashed_after_an_edit_breaks_the_next_one() -> None:
    chain = _chain({"n": 1}, {"n": 2}, {"n": 3})
    forged = {"n": 20}
    prev = chain[1].prev_hash
    chain[1] = ChainLink(fields=forged, prev_hash=prev, hash=entry_hash(prev, forged))
    assert verify_chain(chain) == 2


def test_a_deleted_entry_is_found() -> None:
    chain = _chain({"n": 1}, {"n": 2}, {"n": 3})
    del chain[1]
    assert verify_chain(chain) == 1


def test_swapped_entries_are_found() -> None:
    chain = _chain({"n": 1}, {"n": 2}, {"n": 3})
    chain[0], chain[1] = chain[1], chain[0]
    assert verify_chain(chain) == 0


def test_an_empty_chain_verifies() -> None:
    assert verify_chain([]) is None
