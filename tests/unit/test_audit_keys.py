"""The keyed audit chain and its signed checkpoints (qualify.core.audit)."""

from __future__ import annotations

import dataclasses

from qualify.core.audit import (
    GENESIS,
    ChainLink,
    Checkpoint,
    checkpoint_signature_holds,
    entry_hash,
    parse_checkpoint,
    sign_checkpoint,
    verify_chain,
)

KEY_A = b"a-secret-key-of-the-audit-chain"
KEY_B = b"another-secret-key-after-rotation"


def _chain(*fields: dict[str, object], key_id: str = "a", key: bytes = KEY_A,
           start: str = GENESIS) -> list[ChainLink]:
    links, prev = [], start
    for f in fields:
        h = entry_hash(prev, f, key)
        links.append(ChainLink(fields=f, prev_hash=prev, hash=h, key_id=key_id))
        prev = h
    return links


def test_a_keyed_chain_verifies_with_its_key() -> None:
    assert verify_chain(_chain({"n": 1}, {"n": 2}), keys={"a": KEY_A}) is None


def test_an_edit_rechained_without_the_key_is_found() -> None:
    # Whoever can write to the database re-chains an edited record with plain SHA-256 (or a guessed key).
    chain = _chain({"n": 1}, {"n": 2}, {"n": 3})
    forged = [chain[0]]
    prev = chain[0].hash
    for f in ({"n": 20}, {"n": 3}):
        h = entry_hash(prev, f)
        forged.append(ChainLink(fields=f, prev_hash=prev, hash=h, key_id="a"))
        prev = h
    assert verify_chain(forged, keys={"a": KEY_A}) == 1
    guessed = _chain({"n": 1}, {"n": 20}, {"n": 3}, key=b"a guessed key")
    assert verify_chain(guessed, keys={"a": KEY_A}) == 0


def test_an_entry_written_without_a_key_does_not_fit_a_keyed_chain() -> None:
    plain = [ChainLink(fields={"n": 1}, prev_hash=GENESIS, hash=entry_hash(GENESIS, {"n": 1}))]
    assert verify_chain(plain) is None
    assert verify_chain(plain, keys={"a": KEY_A}) == 0


def test_a_rotated_chain_verifies_while_the_old_key_is_held() -> None:
    old = _chain({"n": 1}, {"n": 2})
    new = _chain({"n": 3}, key_id="b", key=KEY_B, start=old[-1].hash)
    assert verify_chain(old + new, keys={"a": KEY_A, "b": KEY_B}) is None
    assert verify_chain(old + new, keys={"b": KEY_B}) == 0


def test_a_signed_checkpoint_holds_and_any_change_to_it_does_not() -> None:
    signed = sign_checkpoint(Checkpoint(count=3, last_id=7, last_hash="f" * 64,
                                        made_at="2026-12-03T16:30:00+00:00", key_id="a"), KEY_A)
    assert checkpoint_signature_holds(signed, {"a": KEY_A})
    assert not checkpoint_signature_holds(dataclasses.replace(signed, count=2), {"a": KEY_A})
    assert not checkpoint_signature_holds(signed, {"a": KEY_B})
    assert not checkpoint_signature_holds(signed, {"b": KEY_A})


def test_a_checkpoint_survives_its_json_form_and_other_json_is_refused() -> None:
    signed = sign_checkpoint(Checkpoint(3, 7, "f" * 64, "2026-12-03T16:30:00+00:00", "a"), KEY_A)
    assert parse_checkpoint(signed.as_json()) == signed
    assert parse_checkpoint({"count": 3}) is None
    assert parse_checkpoint([1, 2]) is None
    assert parse_checkpoint({**signed.as_json(), "count": "many"}) is None
