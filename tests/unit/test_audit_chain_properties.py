"""Properties of the audit record's hash chain (qualify.core.audit): for any record, any edit,
deletion or reordering of an entry is found, at the first entry that no longer fits."""

from __future__ import annotations

from typing import Any

from hypothesis import assume, given
from hypothesis import strategies as st

from qualify.core.audit import GENESIS, ChainLink, entry_hash, verify_chain

values = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.text(max_size=12))
fields = st.dictionaries(st.sampled_from(["action", "object", "before", "after", "actor", "at", "级别"]),
                         st.one_of(values, st.dictionaries(st.text(max_size=5), values, max_size=3)),
                         min_size=1, max_size=5)
records = st.lists(fields, min_size=2, max_size=12)


def chain(entries: list[dict[str, Any]]) -> list[ChainLink]:
    links, prev = [], GENESIS
    for entry in entries:
        digest = entry_hash(prev, entry)
        links.append(ChainLink(fields=entry, prev_hash=prev, hash=digest))
        prev = digest
    return links


@given(records)
def test_an_untouched_record_verifies(entries: list[dict[str, Any]]) -> None:
    assert verify_chain(chain(entries)) is None


@given(records, st.data())
def test_an_edited_entry_is_found_where_it_is(entries: list[dict[str, Any]], data: st.DataObject) -> None:
    links = chain(entries)
    i = data.draw(st.integers(0, len(links) - 1), label="edited entry")
    edited = data.draw(fields, label="its new fields")
    assume(edited != links[i].fields)
    links[i] = ChainLink(fields=edited, prev_hash=links[i].prev_hash, hash=links[i].hash)
    assert verify_chain(links) == i


@given(records, st.data())
def test_an_entry_edited_and_rehashed_is_found_at_the_next_entry(
        entries: list[dict[str, Any]], data: st.DataObject) -> None:
    links = chain(entries)
    i = data.draw(st.integers(0, len(links) - 2), label="edited entry")
    edited = data.draw(fields, label="its new fields")
    assume(edited != links[i].fields)
    prev = links[i].prev_hash
    links[i] = ChainLink(fields=edited, prev_hash=prev, hash=entry_hash(prev, edited))
    assert verify_chain(links) == i + 1


@given(records, st.data())
def test_a_deleted_entry_is_found_where_the_gap_is(
        entries: list[dict[str, Any]], data: st.DataObject) -> None:
    links = chain(entries)
    # (the newest entry is the exception: see the next test)
    i = data.draw(st.integers(0, len(links) - 2), label="deleted entry")
    del links[i]
    assert verify_chain(links) == i


@given(records, st.data())
def test_two_entries_swapped_are_found_at_the_first_of_them(
        entries: list[dict[str, Any]], data: st.DataObject) -> None:
    links = chain(entries)
    i, j = sorted(data.draw(st.lists(st.integers(0, len(links) - 1), min_size=2, max_size=2, unique=True),
                            label="swapped entries"))
    links[i], links[j] = links[j], links[i]
    assert verify_chain(links) == i


@given(records)
def test_without_its_newest_entry_the_chain_fits_but_no_longer_ends_at_the_stored_head(
        entries: list[dict[str, Any]]) -> None:
    links = chain(entries)
    head = links[-1].hash  # what the web app keeps beside the entries (AuditHead.last_hash)
    del links[-1]
    assert verify_chain(links) is None
    assert links[-1].hash != head
