"""What a user does for their own account: change their password, reset a forgotten one by e-mail,
make tokens that expire and revoke them; and a session left unused ends by itself."""

from __future__ import annotations

import datetime as dt
import re
import time
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from qualify.web.accounts.models import ApiToken, AuditEntry
from qualify.web.accounts.tokens import create_token
from tests.support.org import PASSWORD

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Kx9!qualify-new-secret"


def test_a_user_changes_their_own_password_and_the_old_one_stops_working(users: dict[str, Any]) -> None:
    client = Client()
    client.force_login(users["employee"])
    wrong = client.post("/accounts/password/", {"old_password": "not mine", "new_password1": NEW_PASSWORD,
                                                 "new_password2": NEW_PASSWORD})
    assert wrong.status_code == 200 and wrong.context["form"].errors["old_password"]
    done = client.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": NEW_PASSWORD,
                                                "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert client.get("/me/").status_code == 200  # still logged in here
    name = users["employee"].get_username()
    assert Client().post("/accounts/login/", {"username": name, "password": PASSWORD}).status_code == 200
    assert Client().post("/accounts/login/", {"username": name, "password": NEW_PASSWORD}).status_code == 302
    assert AuditEntry.objects.filter(action="password.change", object_id=str(users["employee"].pk)).exists()


def test_a_forgotten_password_is_reset_through_a_link_sent_by_email(users: dict[str, Any]) -> None:
    user = users["employee"]
    user.email = "zhang.wei@example.com"
    user.save()
    sent = Client().post("/accounts/password/reset/", {"email": "zhang.wei@example.com"})
    assert sent.status_code == 302 and sent["Location"].endswith("/accounts/password/reset/sent/")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["zhang.wei@example.com"]
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    browser = Client()
    form_page = browser.get(link[1], follow=True)
    assert form_page.context["validlink"] is True
    done = browser.post(form_page.redirect_chain[-1][0],
                        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert Client().post("/accounts/login/", {"username": user.get_username(),
                                              "password": NEW_PASSWORD}).status_code == 302
    again = Client().get(link[1], follow=True)
    assert again.context["validlink"] is False  # the link works once


def test_asking_for_a_reset_of_an_unknown_address_looks_the_same_and_sends_nothing(
        users: dict[str, Any]) -> None:
    response = Client().post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert response.status_code == 302 and response["Location"].endswith("/accounts/password/reset/sent/")
    assert mail.outbox == []


def test_a_token_stops_working_when_it_expires(users: dict[str, Any]) -> None:
    token, key = create_token(users["employee"], "nightly", days=30)
    assert dt.timedelta(days=29) < token.expires - timezone.now() <= dt.timedelta(days=30)
    assert Client().get("/api/accounts/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires=timezone.now() - dt.timedelta(seconds=1))
    assert Client().get("/api/accounts/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


def test_the_tokens_page_lists_expiry_and_makes_a_token_for_the_chosen_days(users: dict[str, Any]) -> None:
    client = Client()
    client.force_login(users["employee"])
    client.post("/accounts/tokens/", {"name": "yearly export", "days": "365"})
    token = ApiToken.objects.get(user=users["employee"], name="yearly export")
    assert dt.timedelta(days=364) < token.expires - timezone.now() <= dt.timedelta(days=365)
    page = client.get("/accounts/tokens/").content.decode()
    assert timezone.localtime(token.expires).strftime("%Y-%m-%d") in page
    other = Client()
    other.force_login(users["manager"])
    assert other.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404  # only its owner
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 302
    assert not ApiToken.objects.filter(pk=token.pk).exists()


def test_a_session_left_unused_ends_after_the_idle_timeout(users: dict[str, Any], settings: Any) -> None:
    settings.QUALIFY_SESSION_IDLE_SECONDS = 30 * 60
    client = Client()
    client.force_login(users["employee"])
    assert client.get("/me/").status_code == 200
    session = client.session
    session["qualify_seen"] = int(time.time()) - 31 * 60
    session.save()
    response = client.get("/me/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/api/accounts/me").status_code == 401


def test_a_session_in_use_does_not_end(users: dict[str, Any], settings: Any) -> None:
    settings.QUALIFY_SESSION_IDLE_SECONDS = 30 * 60
    client = Client()
    client.force_login(users["employee"])
    session = client.session
    session["qualify_seen"] = int(time.time()) - 29 * 60
    session.save()
    assert client.get("/me/").status_code == 200
    assert client.session["qualify_seen"] >= int(time.time()) - 5
