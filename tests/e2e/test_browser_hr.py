"""HR's pages in Chromium at a desktop width (1440 px) and a phone's (390 px): the batch step from the
cycle's page through its confirmation, the certificate register, the overview's charts (drawn by the
vendored Apache ECharts, offline) and the publication list. Nothing may need a sideways scroll of the
whole page at 390 px.

With ``QUALIFY_SCREENSHOTS=DIR`` each page is also saved as ``DIR/NAME-WIDTH.png``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from qualify.core.cycle import ApplicationState, PanelChoice
from qualify.services import certification as svc
from qualify.web.certification.repository import DjangoRepository
from tests.integration import test_cycle_flow as flow
from tests.integration.test_hr_pages import certificate

pytestmark = pytest.mark.browser

clock, repo, people = flow.clock, flow.repo, flow.people  # the cycle flow's fixtures
WIDTHS = (1440, 390)


def shoot(page: Any, name: str) -> None:
    """The page has no sideways scroll; saved when ``QUALIFY_SCREENSHOTS`` names a folder."""
    width = page.viewport_size["width"]
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"{name} at {width} px scrolls sideways by {overflow} px"
    folder = os.environ.get("QUALIFY_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}-{width}.png"), full_page=True)


@pytest.mark.django_db(transaction=True)
def test_hr_assigns_a_panel_to_selected_applications_and_reads_the_register_overview_and_notice(
    page: Any, login: Any, live_server: Any, repo: DjangoRepository, people: dict[str, Any],
    clock: flow.Clock, org: Any,
) -> None:
    clock.at = timezone.now()
    cycle = flow.open_cycle(repo, people["hr"])
    first = flow.submitted_application(repo, people, cycle)
    panel = svc.form_panel(
        repo, people["hr"], cycle.id, name="评委组一",
        lead_user_id=people["assessor"].user_id, member_user_ids=[people["assessor2"].user_id],
    )
    certificate(org, "E003", "MINI-L2-2025-00002", 2, timezone.localdate() + dt.timedelta(days=40))
    certificate(org, "M001", "MINI-L3-2024-00001", 3, timezone.localdate() - dt.timedelta(days=3))

    login("hr")
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{live_server.url}/cycles/{cycle.id}/")
    page.check("input[data-select-all]")  # the "select all" box (a static script) ticks every row
    assert page.is_checked(f"input[name=ids][value='{first}']")
    page.select_option("select[name=action]", "assign_panel")
    page.select_option("select[name=panel]", str(panel.id))
    page.click("button[data-action=batch-preview]")
    page.wait_for_load_state()
    assert "张伟" in page.inner_text("table[data-list=affected]")
    assert repo.application(first).state is ApplicationState.submitted
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        shoot(page, "batch-confirm")
    page.click("button[data-action=confirm]")
    page.wait_for_load_state()
    assert repo.application(first).state is ApplicationState.in_review
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        shoot(page, "cycle")

    for who, ratings in (("assessor", flow.ALL_MEET), ("assessor2", flow.ALL_MEET)):
        sheet = next(a for a in svc.my_assignments(repo, people[who]) if a.application_id == first)
        for element, rating in ratings.items():
            svc.rate(repo, people[who], sheet.id, element, rating, "")
        svc.submit_rating(repo, people[who], sheet.id)
    svc.consolidate(repo, people["assessor"], first, {e: PanelChoice(r) for e, r in flow.ALL_MEET.items()})
    svc.decide(repo, people["hr"], first)
    svc.close_applications(repo, people["hr"], cycle.id)
    svc.publish(repo, people["hr"], cycle.id)

    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/certificates/")
        assert "MINI-L3-2024-00001" in page.inner_text("table[data-list=register]")
        shoot(page, "register")
        page.goto(f"{live_server.url}/overview/?cycle={cycle.id}")
        page.wait_for_selector("[data-echart] svg")
        assert page.locator("[data-echart] svg").count() == 5
        shoot(page, "overview")
        page.goto(f"{live_server.url}/cycles/{cycle.id}/publication/")
        assert "张伟" in page.inner_text("table[data-list=publication]")
        shoot(page, "publication")
        page.goto(f"{live_server.url}/people/E003/")
        assert "MINI-L2-2025-00002" in page.inner_text("table[data-list=certification-history]")
        shoot(page, "person-history")


@pytest.mark.django_db(transaction=True)
def test_the_overview_draws_its_charts_with_the_vendored_echarts_offline_at_desktop_and_phone_width(
    page: Any, login: Any, live_server: Any, repo: DjangoRepository, people: dict[str, Any],
    clock: flow.Clock, org: Any,
) -> None:
    clock.at = timezone.now()
    cycle = flow.open_cycle(repo, people["hr"])
    first = flow.submitted_application(repo, people, cycle)
    flow.scored(repo, people, cycle, first, flow.ALL_MEET, flow.ALL_MEET)  # the score spread has a panel
    certificate(org, "E003", "MINI-L2-2025-00002", 2, timezone.localdate() + dt.timedelta(days=40))
    elsewhere: list[str] = []  # any request that leaves the app (a CDN) is refused and noted
    page.context.route(lambda url: not url.startswith(live_server.url),
                       lambda route: (elsewhere.append(route.request.url), route.abort()))
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type in ("error", "warning") else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    login("hr")
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation',"
        " e => console.error('CSP violation: ' + e.violatedDirective))"
    )
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/overview/?cycle={cycle.id}")
        page.wait_for_selector("[data-echart] svg")
        keys = page.eval_on_selector_all("[data-echart]", "els => els.map(e => e.dataset.echart)")
        data = {key: json.loads(page.inner_text(f"#chart-data-{key}")) for key in keys}
        assert list(data) == ["levels_by_unit", "eligible_certified", "funnel", "score_spread", "expiring"]
        for key, figures in data.items():
            box = page.locator(f"[data-echart={key}]")
            assert box.get_attribute("role") == "img" and box.get_attribute("aria-label") == figures["title"]
            texts = box.locator("svg text").all_text_contents()
            for label in figures["labels"]:  # each bar's name on the axis (a long one is cut short)
                assert any(t == label or (t.endswith("...") and label.startswith(t[:-3])) for t in texts), (
                    f"{key} at {width} px: no axis label {label!r} in {texts}")
            if len(figures["series"]) > 1:  # the legend names each series
                assert all(s["name"] in texts for s in figures["series"]), (key, texts)
            svg = box.locator("svg").bounding_box()
            assert svg["width"] <= width and svg["width"] > 0.8 * box.bounding_box()["width"]
        funnel = page.locator("[data-echart=funnel] svg text").all_text_contents()
        for stage, value in zip(data["funnel"]["labels"], data["funnel"]["series"][0]["values"], strict=True):
            assert stage in funnel and str(value) in funnel  # the bar's figure at its end
        assert page.locator("table[data-chart=funnel]").count() == 1  # the table twin stays
        shoot(page, "overview-echarts")
    page.set_viewport_size({"width": 1440, "height": 900})
    page.click("button[name=language][value=en]")  # the same charts in English, from the page
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/overview/?cycle={cycle.id}")
    page.wait_for_selector("[data-echart] svg")
    assert page.locator("[data-echart=funnel]").get_attribute("aria-label") == "The cycle's funnel"
    texts = page.locator("[data-echart=funnel] svg text").all_text_contents()
    assert "applied" in texts and "已申请" not in texts
    shoot(page, "overview-echarts-en")
    assert not elsewhere, elsewhere
    assert not problems, problems

    without = page.context.browser.new_context(storage_state=page.context.storage_state(),
                                               java_script_enabled=False)  # no script: the tables
    try:
        bare = without.new_page()
        bare.goto(f"{live_server.url}/overview/?cycle={cycle.id}")
        assert bare.locator("[data-echart]").first.is_hidden()
        assert "The chart needs JavaScript" in bare.inner_text("#chart-funnel")
        bare.click("#chart-funnel details.twin summary")
        assert "applied" in bare.inner_text("table[data-chart=funnel]")
    finally:
        without.close()
