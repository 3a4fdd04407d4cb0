"""Names, not codes: job families, states and elements are shown by their names on the pages, in the
admin lists and in the messages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from qualify.core.cycle import PanelChoice, check_consolidation
from qualify.core.errors import QualifyError
from qualify.core.text import t
from qualify.web.certification import models as m
from tests.support.org import make_person, make_user

MINI = str(Path(__file__).resolve().parents[1] / "fixtures" / "mini@1.0.yaml")


@pytest.mark.django_db
def test_the_people_list_shows_the_job_family_by_its_name(org: Any, users: dict[str, Any]) -> None:
    make_person("S001", org.units["bj"], family="service-marketing", name="赵敏")
    admin = Client()
    admin.force_login(users["admin"])
    page = admin.get("/people/", {"q": "S001"}).content.decode()
    assert "服务营销" in page and "<code>service-marketing</code>" not in page


@pytest.mark.django_db
def test_the_admin_lists_show_state_and_family_names(org: Any, users: dict[str, Any]) -> None:
    person = make_person("S002", org.units["bj"], family="service-marketing", name="钱进")
    m.Cycle.objects.create(
        name="冬季认证",
        family="service-marketing",
        standard_id="service-marketing@2.0",
        standard_text="",
        standard_sha256="",
        opens_on=dt.date(2026, 12, 1),
        closes_on=dt.date(2026, 12, 31),
        as_of=dt.date(2026, 12, 1),
        levels=[2],
        state="open",
    )
    m.Certificate.objects.create(
        number="SM-L2-2026-00001", person=person, holder_name="钱进", holder_employee_id="S002",
        job_family="service-marketing", level=2, standard_id="service-marketing@2.0", standard_version="2.0",
        valid_from=dt.date(2026, 12, 1), valid_until=dt.date(2028, 11, 30), issued_at=timezone.now(),
    )
    superuser = make_user("root", ["admin"])
    superuser.is_staff = superuser.is_superuser = True
    superuser.save()
    admin = Client()
    admin.force_login(superuser)
    cycles = admin.get("/admin/certification/cycle/").content.decode()
    assert "开放申请" in cycles and "服务营销" in cycles
    certificates = admin.get("/admin/certification/certificate/").content.decode()
    assert "服务营销" in certificates and "钱进" in certificates


def test_a_consolidation_message_names_the_elements_not_their_codes() -> None:
    with pytest.raises(QualifyError) as caught:
        check_consolidation(
            elements=["talk-prep", "reporting"],
            ladder=["exceeds", "meets", "partial", "not_met"],
            ratings={},
            pending_assessors=[],
            choices={"reporting": PanelChoice("meets")},
            names={"talk-prep": t("准备", "Preparation"), "reporting": t("汇报", "Reporting")},
        )
    assert caught.value.message_zh == "以下要素未给出评委组评分：准备"
    assert caught.value.message_en == "no panel rating for: Preparation"
    assert caught.value.fields["elements"] == ["talk-prep"]


@pytest.mark.django_db
def test_the_new_cycle_form_shows_its_dates_in_chinese_and_offers_levels_as_checkboxes(
    users: dict[str, Any],
) -> None:
    admin = Client()  # zh-hans, the default language
    admin.force_login(users["admin"])
    page = admin.get("/cycles/new/").content.decode()
    today = timezone.localdate().isoformat()
    assert f'type="date" name="opens_on" value="{today}"' in page
    assert 'type="checkbox" name="levels" value="3"' in page and "服务营销三级" in page
    response = admin.post(
        "/cycles/new/",
        {
            "name": "冬季认证",
            "standard_id": "service-marketing@2.0",
            "opens_on": today,
            "closes_on": today,
            "as_of": today,
            "levels": ["2", "3"],
            "notice_days": "7",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert m.Cycle.objects.get(name="冬季认证").levels == [2, 3]
