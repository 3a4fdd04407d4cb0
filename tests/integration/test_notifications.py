"""Notifications on the database: who is told what (the bell, e-mail in the outbox, group robots),
preferences, the pages and API of the bell, HR's group-robot page, and the cron reminders."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from qualify.services.certification.values import Notice
from qualify.web.certification import models as m
from qualify.web.certification.reminders import send_reminders
from qualify.web.notifications.delivery import deliver
from qualify.web.notifications.dispatch import dispatch
from qualify.web.notifications.models import Notification, OutboxMessage, Preference, Webhook
from tests.support.org import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def emails(users: dict[str, Any], settings: Any) -> dict[str, Any]:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for name, user in users.items():
        user.email = f"{name}@example.com"
        user.save()
    return users


def appeal_filed(**more: Any) -> Notice:
    values: dict[str, Any] = {"to_hr": True, "family": "mini", "cycle_name": "2026 冬季认证", "cycle_id": 1,
                              "application_id": 7, "level": 2}
    values.update(more)
    return Notice("appeal-filed", **values)


def test_hr_of_the_family_is_told_of_an_appeal_and_hr_of_another_family_is_not(emails: Any) -> None:
    other_hr = make_user("hr_other", ["hr"], hr_families=["other"])
    dispatch(appeal_filed())
    told = set(Notification.objects.values_list("user__username", flat=True))
    assert told == {"hr"}
    assert not Notification.objects.filter(user=other_hr).exists()
    assert list(OutboxMessage.objects.filter(channel="email").values_list("to_email", flat=True)) == [
        "hr@example.com"]


def test_the_account_that_took_the_step_is_not_told_about_it(emails: dict[str, Any]) -> None:
    dispatch(appeal_filed(skip_user_id=emails["hr"].pk))
    assert Notification.objects.count() == 0 and OutboxMessage.objects.count() == 0


def test_an_applicant_is_told_through_their_employee_record(emails: dict[str, Any]) -> None:
    dispatch(Notice("result-published", employee_ids=("E001",), cycle_name="C", application_id=7, level=2,
                    family="mini", on=dt.date(2026, 12, 11)))
    note = Notification.objects.get()
    assert note.user == emails["employee"] and note.link == "/applications/7/"


def test_a_muted_channel_is_not_used_and_the_others_still_are(emails: dict[str, Any]) -> None:
    Preference.objects.create(user=emails["hr"], muted=["email:appeal-filed"])
    dispatch(appeal_filed())
    assert Notification.objects.filter(user=emails["hr"]).count() == 1
    assert not OutboxMessage.objects.filter(channel="email").exists()


def test_no_mail_leaves_from_the_step_itself_only_from_the_worker_in_both_languages(emails: Any) -> None:
    dispatch(appeal_filed())
    assert mail.outbox == []
    assert deliver() == {"sent": 1, "retried": 0, "failed": 0}
    sent = mail.outbox[0]
    assert sent.to == ["hr@example.com"]
    assert sent.subject == "[Qualify] 申诉已提交 / Appeal filed"
    assert "2026 冬季认证" in sent.body and "An appeal was filed on application #7" in sent.body
    assert deliver() == {"sent": 0, "retried": 0, "failed": 0}  # sent once


def test_a_group_robot_hears_only_its_family_and_the_events_it_chose(emails: dict[str, Any]) -> None:
    mini = Webhook.objects.create(name="mini", platform="wecom", family="mini", events=["appeal-filed"],
                                  url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=a")
    Webhook.objects.create(name="other", platform="wecom", family="other", events=["appeal-filed"],
                           url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=b")
    Webhook.objects.create(name="quiet", platform="wecom", family="mini", events=["publication-started"],
                           url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=c")
    dispatch(appeal_filed())
    robots = OutboxMessage.objects.filter(channel="webhook")
    assert [r.webhook for r in robots] == [mini]
    # a person's own result never goes to a group
    dispatch(Notice("result-published", employee_ids=("E001",), cycle_name="C", application_id=7, level=2,
                    family="mini"))
    assert OutboxMessage.objects.filter(channel="webhook").count() == 1


def test_the_bell_shows_the_unread_count_and_the_page_marks_read(client_for: Any, emails: Any) -> None:
    dispatch(appeal_filed())
    dispatch(appeal_filed(application_id=8))
    client = client_for("hr")
    page = client.get("/notifications/").content.decode()
    assert re.search(r'class="bell-count" data-unread="2"', page)
    assert "“2026 冬季认证”中的申请 #8（2 级）有人提出申诉。" in page  # in the reader's language (zh)
    first = Notification.objects.filter(user=emails["hr"]).order_by("id").first()
    assert first is not None
    assert client.post(f"/notifications/{first.pk}/read/").status_code == 302
    assert 'data-unread="1"' in client.get("/notifications/").content.decode()
    client.post("/notifications/read-all/")
    page = client.get("/notifications/").content.decode()
    assert "bell-count" not in page


def test_nobody_marks_someone_elses_notification(client_for: Any, emails: dict[str, Any]) -> None:
    dispatch(appeal_filed())
    note = Notification.objects.get()
    assert client_for("employee").post(f"/notifications/{note.pk}/read/").status_code == 404
    assert client_for("employee").post(f"/api/notifications/{note.pk}/read").status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_the_api_lists_my_notifications_in_my_language_and_marks_them_read(
    client_for: Any, emails: dict[str, Any]
) -> None:
    dispatch(appeal_filed())
    client = client_for("hr")
    listed = client.get("/api/notifications/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert listed["count"] == 1 and listed["items"][0]["title"] == "Appeal filed"
    assert client.get("/api/notifications/unread").json() == {"unread": 1}
    note_id = listed["items"][0]["id"]
    assert client.post(f"/api/notifications/{note_id}/read").json()["read"] is True
    assert client.get("/api/notifications/unread").json() == {"unread": 0}
    assert client_for("employee").get("/api/notifications/").json()["count"] == 0


def test_preferences_are_saved_per_user(client_for: Any, emails: dict[str, Any]) -> None:
    client = client_for("hr")
    page = client.get("/notifications/preferences/").content.decode()
    checked = set(re.findall(r'name="([a-z]+:[a-z-]+)"[^>]*checked', page))
    assert "email:appeal-filed" in checked and "app:appeal-filed" in checked
    keep = {name: "on" for name in checked if name != "email:appeal-filed"}
    assert client.post("/notifications/preferences/", keep).status_code == 302
    assert Preference.objects.get(user=emails["hr"]).muted == ["email:appeal-filed"]


def test_hr_adds_a_group_robot_for_their_family_and_a_private_address_is_refused(
    client_for: Any, emails: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    client = client_for("hr")
    monkeypatch.delenv("QUALIFY_WEBHOOK_ALLOW_PRIVATE", raising=False)
    refused = client.post("/notifications/webhooks/", {
        "name": "内网", "platform": "dingtalk", "url": "http://127.0.0.1:9/robot/send?access_token=x",
        "secret": "SEC1", "family": "mini", "events": ["appeal-filed"]}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 200 and "private or loopback" in refused.content.decode()
    assert not Webhook.objects.exists()
    foreign = client.post("/notifications/webhooks/", {
        "name": "x", "platform": "wecom", "url": "https://1.1.1.1/x", "family": "other",
        "events": ["appeal-filed"]})
    assert foreign.status_code == 200 and not Webhook.objects.exists()  # not HR's family
    monkeypatch.setenv("QUALIFY_WEBHOOK_ALLOW_PRIVATE", "1")
    added = client.post("/notifications/webhooks/", {
        "name": "认证群", "platform": "dingtalk", "url": "http://127.0.0.1:9/robot/send?access_token=x",
        "secret": "SEC1", "family": "mini", "events": ["appeal-filed"]})
    assert added.status_code == 302
    hook = Webhook.objects.get()
    assert (hook.family, hook.secret, hook.created_by) == ("mini", "SEC1", emails["hr"])
    assert "SEC1" not in client.get("/notifications/webhooks/").content.decode()
    assert client_for("employee").get("/notifications/webhooks/").status_code == 404
    assert client_for("employee").post(f"/notifications/webhooks/{hook.pk}/delete/").status_code == 404
    assert Webhook.objects.exists()


# --- the cron reminders ----------------------------------------------------------------------------------


def certificate(person: Any, valid_until: dt.date) -> m.Certificate:
    return m.Certificate.objects.create(
        number=f"MINI-L2-{valid_until:%Y%m%d}", person=person, holder_name=person.name,
        holder_employee_id=person.employee_id, job_family="mini", level=2, standard_id="mini@1.0",
        standard_version="1.0", valid_from=valid_until - dt.timedelta(days=730), valid_until=valid_until,
        issued_at=timezone.now())


def test_an_expiring_certificate_is_reminded_once_however_often_the_command_runs(
    org: Any, emails: dict[str, Any]
) -> None:
    today = dt.date(2026, 12, 4)
    certificate(org.people["E001"], today + dt.timedelta(days=60))
    certificate(org.people["E002"], today + dt.timedelta(days=200))  # not yet
    assert send_reminders(today)["certificate-expiring"] == 1
    assert send_reminders(today)["certificate-expiring"] == 0
    told = sorted(Notification.objects.filter(event="certificate-expiring").values_list("user__username",
                                                                                         flat=True))
    assert told == ["employee", "hr"]
    note = Notification.objects.filter(user=emails["employee"]).get()
    assert note.values["date"] == "2027-02-02" and note.link == "/certificates/MINI-L2-20270202/"


SHANGHAI_0030 = dt.datetime(2026, 12, 3, 16, 30, tzinfo=dt.UTC)  # 2026-12-04 00:30 in China


def cycle_with_application(org: Any, app_state: str, **cycle: Any) -> tuple[m.Cycle, m.Application]:
    values = {"name": "2026 冬季认证", "family": "mini", "standard_id": "mini@1.0", "standard_text": "{}",
              "standard_sha256": "0" * 64, "state": "published", "opens_on": dt.date(2026, 11, 1),
              "closes_on": dt.date(2026, 11, 30), "as_of": dt.date(2026, 11, 26), "levels": [2]}
    values.update(cycle)
    made = m.Cycle.objects.create(**values)
    app = m.Application.objects.create(cycle=made, person=org.people["E001"], current_level=1, target_level=2,
                                       state=app_state)
    return made, app


def test_at_0030_china_time_a_notice_whose_last_local_day_is_today_is_reminded(
    org: Any, emails: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    cycle, app = cycle_with_application(org, "published")
    zone = timezone.get_current_timezone()
    # published on 11-27 with 7 days: the notice ends at local midnight after 12-04
    ends = dt.datetime(2026, 12, 5, tzinfo=zone)
    app.publication = m.Publication.objects.create(cycle=cycle, published_at=ends - dt.timedelta(days=8),
                                                   ends_at=ends)
    app.save()
    monkeypatch.setattr("django.utils.timezone.now", lambda: SHANGHAI_0030)  # the UTC date is still 12-03
    assert send_reminders()["publication-ending"] == 1  # the default day is the local 12-04
    assert send_reminders()["publication-ending"] == 0
    note = Notification.objects.get(user=emails["employee"], event="publication-ending")
    assert note.values["date"] == "2026-12-04" and note.link == f"/cycles/{cycle.pk}/"
    assert Notification.objects.filter(user=emails["hr"], event="publication-ending").exists()


def test_a_notice_ending_later_than_tomorrow_is_not_reminded_yet(org: Any, emails: dict[str, Any]) -> None:
    cycle, app = cycle_with_application(org, "published")
    ends = dt.datetime(2026, 12, 8, tzinfo=timezone.get_current_timezone())
    app.publication = m.Publication.objects.create(cycle=cycle, published_at=ends - dt.timedelta(days=8),
                                                   ends_at=ends)
    app.save()
    assert send_reminders(dt.date(2026, 12, 4))["publication-ending"] == 0
    assert send_reminders(dt.date(2026, 12, 6))["publication-ending"] == 1


def test_an_open_score_sheet_after_the_applications_closed_is_reminded_once_a_week(
    org: Any, emails: dict[str, Any]
) -> None:
    cycle, app = cycle_with_application(org, "in_review", state="in_review")
    panel = m.Panel.objects.create(cycle=cycle, name="评委组", lead=emails["assessor"])
    m.Assignment.objects.create(application=app, panel=panel, assessor=emails["assessor"], is_lead=True)
    assert send_reminders(dt.date(2026, 11, 30))["sheet-due"] == 0  # the last day to apply
    assert send_reminders(dt.date(2026, 12, 1))["sheet-due"] == 1
    assert send_reminders(dt.date(2026, 12, 2))["sheet-due"] == 0  # the same week
    assert send_reminders(dt.date(2026, 12, 8))["sheet-due"] == 1
    note = Notification.objects.filter(user=emails["assessor"], event="sheet-due").first()
    assert note is not None and note.link == f"/applications/{app.pk}/score/"


def test_the_cron_command_reports_what_it_sent_and_refuses_a_bad_date(
    org: Any, emails: dict[str, Any], monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    from qualify.cli.main import main

    certificate(org.people["E001"], dt.date(2027, 1, 10))

    def run(*args: str) -> int:
        try:
            return main(list(args))
        except SystemExit as done:
            return int(done.code or 0)

    assert run("notify-expiring", "--today", "2026-12-04") == 0
    assert "certificate-expiring: 1" in capsys.readouterr().out
    assert run("notify-expiring", "--today", "2026-12-04") == 0
    assert "certificate-expiring: 0" in capsys.readouterr().out
    assert run("notify-expiring", "--today", "12/04") == 2
    assert "bad-date" in capsys.readouterr().err


def test_the_background_worker_sends_the_outbox_between_screening_runs(emails: dict[str, Any]) -> None:
    from qualify.web.screening.worker import run_worker

    dispatch(appeal_filed())
    assert run_worker(once=True) == 0  # no screening run was waiting
    assert [msg.to for msg in mail.outbox] == [["hr@example.com"]]
    assert OutboxMessage.objects.get().status == "sent"
