"""Accounts: roles and scope, passwords, login throttling, sessions, API tokens, the audit record."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.test import Client

from qualify.web.accounts import access
from qualify.web.accounts.audit import record, verify
from qualify.web.accounts.models import AuditEntry
from qualify.web.accounts.tokens import create_token
from tests.support.org import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def _visible(user: Any) -> list[str]:
    return sorted(access.people_visible_to(user).values_list("employee_id", flat=True))


# --- who sees whom ----------------------------------------------------------------------------------


def test_an_employee_sees_only_themselves(users: dict[str, Any]) -> None:
    assert _visible(users["employee"]) == ["E001"]


def test_a_manager_sees_their_unit_and_the_units_below_it_and_themselves(users: dict[str, Any]) -> None:
    # manager runs "north": E004 and M001 are in north, E001 and E002 in bj below it; E003 is in south
    assert _visible(users["manager"]) == ["E001", "E002", "E004", "M001"]


def test_hr_sees_the_people_of_their_job_families_only(users: dict[str, Any]) -> None:
    assert _visible(users["hr"]) == ["E001", "E002", "E003", "M001"]  # E004 is family "other"


def test_an_admin_sees_everyone(users: dict[str, Any]) -> None:
    assert _visible(users["admin"]) == ["E001", "E002", "E003", "E004", "M001"]


def test_an_assessor_sees_only_their_own_record(users: dict[str, Any]) -> None:
    assert _visible(users["assessor"]) == ["E003"]


def test_an_inactive_account_sees_nobody(users: dict[str, Any]) -> None:
    user = users["admin"]
    user.is_active = False
    user.save()
    assert _visible(user) == []


def test_a_person_out_of_scope_is_a_404_like_one_that_does_not_exist(users: dict[str, Any]) -> None:
    from django.http import Http404

    with pytest.raises(Http404):
        access.get_person_or_404(users["employee"], "E002")
    with pytest.raises(Http404):
        access.get_person_or_404(users["employee"], "NOBODY")
    assert access.get_person_or_404(users["manager"], "E002").employee_id == "E002"


def test_only_hr_and_admins_may_import_and_screen(users: dict[str, Any]) -> None:
    assert {r for r, u in users.items() if access.can_import(u)} == {"hr", "admin"}
    assert {r for r, u in users.items() if access.can_screen(u)} == {"hr", "admin"}


# --- passwords, login, sessions ------------------------------------------------------------------------


def test_passwords_are_hashed_with_argon2(db: None, settings: Any) -> None:
    from qualify.web import settings as qualify_settings

    settings.PASSWORD_HASHERS = qualify_settings.PASSWORD_HASHERS  # the real ones, not the tests' fast one
    user = make_user("argon", ["employee"])
    assert user.password.startswith("argon2$")


def test_logging_in_with_the_right_password_starts_a_session(users: dict[str, Any]) -> None:
    client = Client()
    response = client.post("/accounts/login/", {"username": "hr", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/api/accounts/me").json()["roles"] == ["hr"]


def test_five_failed_logins_lock_the_account_even_with_the_right_password(users: dict[str, Any]) -> None:
    client = Client()
    statuses = [client.post("/accounts/login/", {"username": "hr", "password": "wrong"}).status_code
                for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]  # the fifth failure locks
    response = client.post("/accounts/login/", {"username": "hr", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert response.context["form"].errors["__all__"][0].startswith(("Too many", "登录失败次数过多"))


def test_failed_logins_from_many_addresses_lock_the_account_everywhere(users: dict[str, Any]) -> None:
    for n in range(5):
        Client(REMOTE_ADDR=f"10.0.0.{n + 10}").post("/accounts/login/",
                                                    {"username": "hr", "password": "wrong"})
    here = Client(REMOTE_ADDR="10.0.0.1")
    response = here.post("/accounts/login/", {"username": "hr", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in here.session


def test_one_password_sprayed_over_many_accounts_locks_the_address(users: dict[str, Any]) -> None:
    sprayer = Client(REMOTE_ADDR="10.0.0.66")
    for name in ["employee", "manager", "assessor", "admin", "nobody"]:
        sprayer.post("/accounts/login/", {"username": name, "password": "Spring2026!"})
    response = sprayer.post("/accounts/login/", {"username": "hr", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in sprayer.session
    elsewhere = Client(REMOTE_ADDR="10.0.0.2")
    assert elsewhere.post("/accounts/login/", {"username": "hr", "password": PASSWORD}).status_code == 302


def test_a_forwarded_address_counts_only_through_a_trusted_proxy(users: dict[str, Any],
                                                                settings: Any) -> None:
    import ipaddress

    settings.QUALIFY_TRUSTED_PROXIES = [ipaddress.ip_network("127.0.0.1/32")]
    # A client talking to the app directly cannot rotate X-Forwarded-For to escape the lock.
    for n in range(5):
        Client(REMOTE_ADDR="10.0.0.77", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").post(
            "/accounts/login/", {"username": f"guess{n}", "password": "wrong"})
    direct = Client(REMOTE_ADDR="10.0.0.77", HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert direct.post("/accounts/login/", {"username": "hr", "password": PASSWORD}).status_code == 429
    # Through the proxy, the address the proxy saw is the client's: others behind it are not locked.
    for n in range(5):
        Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7").post(
            "/accounts/login/", {"username": f"guess{n}", "password": "wrong"})
    spoofed = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.8, 198.51.100.7")
    assert spoofed.post("/accounts/login/", {"username": "hr", "password": PASSWORD}).status_code == 429
    other = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.9")
    assert other.post("/accounts/login/", {"username": "hr", "password": PASSWORD}).status_code == 302


def test_the_admin_login_is_throttled_too(users: dict[str, Any]) -> None:
    client = Client()
    for _ in range(5):
        client.post("/admin/login/", {"username": "admin", "password": "wrong"})
    response = client.post("/admin/login/", {"username": "admin", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_sessions_end_when_the_browser_closes_and_after_eight_hours() -> None:
    assert django_settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert django_settings.SESSION_COOKIE_AGE == 8 * 3600
    assert django_settings.SESSION_COOKIE_HTTPONLY is True


def test_forms_are_refused_without_a_csrf_token(users: dict[str, Any]) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "hr", "password": PASSWORD})
    assert response.status_code == 403


def test_logging_out_is_a_post_and_ends_the_session(client_for: Any) -> None:
    client = client_for("hr")
    assert client.get("/accounts/logout/").status_code == 405
    client.post("/accounts/logout/")
    assert client.get("/api/accounts/me").status_code == 401


def test_the_language_switch_is_remembered_on_the_account(client_for: Any, users: dict[str, Any]) -> None:
    client = client_for("employee")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    users["employee"].profile.refresh_from_db()
    assert users["employee"].profile.language == "en"


def test_after_login_the_pages_speak_the_accounts_language(users: dict[str, Any]) -> None:
    profile = users["hr"].profile
    profile.language = "en"
    profile.save()
    client = Client()
    assert "登录" in client.get("/accounts/login/").content.decode()
    client.post("/accounts/login/", {"username": "hr", "password": PASSWORD})
    page = client.get("/accounts/tokens/").content.decode()
    assert "Your tokens" in page and "你的令牌" not in page


# --- API tokens and the error shape -------------------------------------------------------------------


def test_a_script_with_a_token_acts_as_the_tokens_user(users: dict[str, Any]) -> None:
    token, key = create_token(users["manager"], "sync")
    response = Client().get("/api/accounts/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert response.json()["username"] == "manager"
    token.refresh_from_db()
    assert token.last_used is not None
    assert key not in token.key_hash and len(token.key_hash) == 64


def test_a_wrong_or_revoked_token_is_401_in_the_one_error_shape(users: dict[str, Any]) -> None:
    token, key = create_token(users["hr"], "sync")
    token.delete()
    for header in (f"Bearer {key}", "Bearer qk_nonsense", "Basic abc"):
        response = Client().get("/api/accounts/me", HTTP_AUTHORIZATION=header)
        assert response.status_code == 401
        assert set(response.json()["error"]) == {"code", "message", "fields"}
        assert response.json()["error"]["code"] == "unauthenticated"


def test_an_unknown_api_url_is_404_in_the_error_shape(client_for: Any) -> None:
    response = client_for("hr").get("/api/no-such-thing")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not-found"
    assert set(response.json()["error"]) == {"code", "message", "fields"}


def test_a_browser_write_to_the_api_needs_the_csrf_token(users: dict[str, Any]) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["hr"])
    response = client.post("/api/imports/1/apply")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


def test_the_tokens_page_shows_a_new_key_once(client_for: Any, users: dict[str, Any]) -> None:
    client = client_for("employee")
    response = client.post("/accounts/tokens/", {"name": "my script"})
    key = response.context["new_key"]
    assert key.startswith("qk_") and key in response.content.decode()
    again = client.get("/accounts/tokens/")
    assert key not in again.content.decode()
    assert "my script" in again.content.decode()


def test_the_api_documentation_works_offline(client_for: Any) -> None:
    page = client_for("anonymous").get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn." not in page and "unpkg" not in page
    schema = client_for("anonymous").get("/api/openapi.json").json()
    assert schema["info"]["title"] == "Qualify API"


# --- the audit record ---------------------------------------------------------------------------------


def test_audit_entries_chain_and_the_chain_verifies(users: dict[str, Any]) -> None:
    first = record(users["admin"], "test.add", "Thing", 1, None, {"a": 1})
    second = record(None, "test.change", "Thing", 1, {"a": 1}, {"a": 2})
    assert second.prev_hash == first.hash
    assert second.actor_name == "system"
    assert verify() is None


def test_an_edited_audit_entry_is_detected(users: dict[str, Any]) -> None:
    record(users["admin"], "test.add", "Thing", 1, None, {"a": 1})
    entry = record(users["admin"], "test.change", "Thing", 1, {"a": 1}, {"a": 2})
    record(users["admin"], "test.change", "Thing", 1, {"a": 2}, {"a": 3})
    AuditEntry.objects.filter(pk=entry.pk).update(after={"a": 99})
    assert verify().pk == entry.pk


def test_deleting_the_newest_audit_entry_is_detected(users: dict[str, Any]) -> None:
    record(users["admin"], "test.add", "Thing", 1, None, {"a": 1})
    last = record(users["admin"], "test.change", "Thing", 1, {"a": 1}, {"a": 2})
    AuditEntry.objects.filter(pk=last.pk).delete()
    assert verify() is not None


def test_a_change_in_the_admin_is_recorded_with_before_and_after(client_for: Any, org: Any) -> None:
    client = client_for("admin")
    unit = org.units["south"]
    response = client.post(f"/admin/people/orgunit/{unit.pk}/change/", {
        "code": "south", "name_zh": "华南区", "name_en": "South China", "parent": org.units["hq"].pk,
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.get(action="admin.change", object_type="people.OrgUnit")
    assert entry.actor_name == "admin"
    assert entry.before["name_zh"] == "南区" and entry.after["name_zh"] == "华南区"


def test_giving_a_role_in_the_admin_is_recorded(client_for: Any, users: dict[str, Any]) -> None:
    client = client_for("admin")
    user = users["employee"]
    page = client.get(f"/admin/auth/user/{user.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list | tuple)}
    data.update({
        "username": "employee", "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00",
        "profile-TOTAL_FORMS": "1", "profile-INITIAL_FORMS": "1", "profile-MIN_NUM_FORMS": "0",
        "profile-MAX_NUM_FORMS": "1", "profile-0-id": str(user.profile.pk), "profile-0-user": str(user.pk),
        "profile-0-roles": ["employee", "hr"], "profile-0-hr_families": ["mini"],
        "profile-0-person": str(user.profile.person_id), "profile-0-language": "",
    })
    data.pop("password", None)
    data.pop("last_login", None)
    response = client.post(f"/admin/auth/user/{user.pk}/change/", data)
    assert response.status_code == 302, [f.errors for f in response.context["inline_admin_formsets"]] \
        if response.context else response.status_code
    user.profile.refresh_from_db()
    assert user.profile.roles == ["employee", "hr"]
    entry = AuditEntry.objects.get(object_type="accounts.Profile")
    assert entry.before["roles"] == ["employee"] and entry.after["roles"] == ["employee", "hr"]


def test_the_admin_is_closed_to_hr(client_for: Any) -> None:
    response = client_for("hr").get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_every_new_account_gets_a_profile_without_roles(db: None) -> None:
    user = get_user_model().objects.create_user("fresh", password="x" * 12)
    assert user.profile.roles == []
    assert access.roles_of(user) == set()


# --- server errors -------------------------------------------------------------------------------------


def _explode(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError("secret internals: /srv/qualify/settings.py line 42")


def test_a_server_error_on_a_page_shows_no_traceback_in_the_readers_language(users: dict[str, Any],
                                                                              monkeypatch: Any) -> None:
    from qualify.web.accounts.models import ApiToken

    monkeypatch.setattr(ApiToken.objects, "filter", _explode)
    bodies = {}
    for language in ("zh-hans", "en"):
        client = Client(raise_request_exception=False, headers={"accept-language": language})
        client.force_login(users["hr"])
        response = client.get("/accounts/tokens/")
        assert response.status_code == 500
        bodies[language] = response.content.decode()
    assert "服务器出错了" in bodies["zh-hans"] and "Something went wrong" not in bodies["zh-hans"]
    assert "Something went wrong" in bodies["en"] and "服务器出错了" not in bodies["en"]
    for body in bodies.values():
        assert "secret internals" not in body and "Traceback" not in body


def test_a_server_error_in_the_api_has_the_error_shape_and_no_traceback(users: dict[str, Any],
                                                                        monkeypatch: Any) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(users["hr"])
    monkeypatch.setattr(access, "profile_of", _explode)
    response = client.get("/api/accounts/me")
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal-error"
    assert "secret internals" not in response.content.decode()
