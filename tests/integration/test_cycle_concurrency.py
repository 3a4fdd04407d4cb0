"""Two people saving the same rating at once: neither save is silently lost."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError, connection

from qualify.services import certification as svc
from qualify.web.certification.repository import DjangoRepository, actor_for
from tests.support.org import make_user

MINI = str(Path(__file__).resolve().parents[1] / "fixtures" / "mini@1.0.yaml")
TODAY = dt.date(2026, 11, 26)


def sheet_in_review(users: dict[str, Any], org: Any) -> tuple[DjangoRepository, svc.Actor, int]:
    repo = DjangoRepository(clock=lambda: dt.datetime(2026, 11, 26, 9, tzinfo=dt.UTC))
    hr, employee = actor_for(users["hr"]), actor_for(users["employee"])
    lead = actor_for(users["assessor"])
    member = actor_for(make_user("assessor2", ["assessor"], person=org.people["E002"]))
    cycle = svc.create_cycle(
        repo,
        hr,
        svc.NewCycle(name="c", standard_id=MINI, opens_on=TODAY, closes_on=TODAY, as_of=TODAY, levels=(2,)),
    )
    svc.open_cycle(repo, hr, cycle.id)
    app = svc.apply(repo, employee, cycle.id)
    svc.submit(repo, employee, app.id)
    panel = svc.form_panel(
        repo, hr, cycle.id, name="p", lead_user_id=lead.user_id, member_user_ids=[member.user_id]
    )
    svc.assign_panel(repo, hr, app.id, panel.id)
    sheet = next(a for a in svc.my_assignments(repo, lead) if a.application_id == app.id)
    return repo, lead, sheet.id


@pytest.mark.django_db
def test_the_second_of_two_saves_from_the_same_version_gets_a_conflict_and_overwrites_nothing(
    users: dict[str, Any], org: Any
) -> None:
    repo, lead, sheet = sheet_in_review(users, org)
    first = svc.rate(repo, lead, sheet, "talk-prep", "meets", "first draft")
    # two browser tabs opened the rating at version 1; both save
    in_tab_a = svc.rate(repo, lead, sheet, "talk-prep", "exceeds", "tab A", expected_version=first.version)
    with pytest.raises(svc.EditConflict) as caught:
        svc.rate(repo, lead, sheet, "talk-prep", "partial", "tab B", expected_version=first.version)
    assert "reload" in caught.value.message("en")
    saved = next(s for s in repo.scores(repo.assignment(sheet).application_id) if s.element == "talk-prep")
    assert (saved.rating, saved.comment, saved.version) == ("exceeds", "tab A", in_tab_a.version)
    # tab B reloads, sees tab A's rating, and saves on top of it knowingly
    again = svc.rate(
        repo, lead, sheet, "talk-prep", "partial", "tab B after reading A", expected_version=saved.version
    )
    assert again.version == saved.version + 1


@pytest.mark.django_db
def test_two_first_ratings_of_the_same_element_do_not_both_claim_to_be_first(
    users: dict[str, Any], org: Any
) -> None:
    repo, lead, sheet = sheet_in_review(users, org)
    svc.rate(repo, lead, sheet, "reporting", "meets")
    with pytest.raises(svc.EditConflict):
        svc.rate(repo, lead, sheet, "reporting", "not_met")  # also "first", but someone saved already


@pytest.mark.django_db(transaction=True)
def test_two_threads_saving_one_rating_at_the_same_moment_lose_neither(
    users: dict[str, Any], org: Any
) -> None:
    repo, lead, sheet = sheet_in_review(users, org)
    base = svc.rate(repo, lead, sheet, "talk-delivery", "meets")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def save(rating: str) -> None:
        try:
            barrier.wait()
            svc.rate(repo, lead, sheet, "talk-delivery", rating, expected_version=base.version)
            outcomes.append(f"saved {rating}")
        except svc.EditConflict:
            outcomes.append("refused conflict")
        except OperationalError:
            # SQLite's shared in-memory test database refuses a second writer at once ("table is
            # locked") instead of waiting: the user sees an error, nothing is overwritten either.
            outcomes.append("refused locked")
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(r,)) for r in ("exceeds", "partial")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(o.split()[0] for o in outcomes) == ["refused", "saved"]
    winner = next(o.split()[1] for o in outcomes if o.startswith("saved"))
    saved = next(
        s for s in repo.scores(repo.assignment(sheet).application_id) if s.element == "talk-delivery"
    )
    assert saved.rating == winner and saved.version == base.version + 1
