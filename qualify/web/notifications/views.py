"""The bell's page (mark one or all read), the user's preferences, and HR's group robots."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qualify.web.accounts import access
from qualify.web.accounts.audit import record, snapshot
from qualify.web.language import lang
from qualify.web.notifications.context import uid
from qualify.web.notifications.events import EVENTS
from qualify.web.notifications.events import render as render_event
from qualify.web.notifications.forms import PreferencesForm, WebhookForm
from qualify.web.notifications.models import Notification, OutboxMessage, Preference, Webhook

PAGE_SIZE = 30


def shown(note: Notification) -> dict[str, Any]:
    title, text = render_event(note.event, note.values)
    return {"id": note.pk, "title": title, "text": text, "link": note.link, "created_at": note.created_at,
            "read": note.read_at is not None}


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    only_unread = request.GET.get("unread") == "1"
    notes = Notification.objects.filter(user_id=uid(request))
    if only_unread:
        notes = notes.filter(read_at__isnull=True)
    page = Paginator(notes, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {
        "page": page, "rows": [shown(n) for n in page.object_list], "only_unread": only_unread,
        "robots": access.is_hr(request.user),
    })


@login_required
@require_POST
def mark_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    note = get_object_or_404(Notification, pk=notification_id, user_id=uid(request))  # others': 404
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure())
    if target and safe:
        return redirect(target)
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    unread = Notification.objects.filter(user_id=uid(request), read_at__isnull=True)
    count = unread.update(read_at=timezone.now())
    messages.success(request, _("%(count)s notifications marked as read.") % {"count": count})
    return redirect("notifications:inbox")


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    pref, _created = Preference.objects.get_or_create(user_id=uid(request))
    form = PreferencesForm(request.POST or None, muted=set(pref.muted or []))
    if request.method == "POST" and form.is_valid():
        pref.muted = form.muted()
        pref.save(update_fields=["muted"])
        messages.success(request, _("Your notification preferences are saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {
        "form": form, "has_email": bool(getattr(request.user, "email", "")),
    })


# --- group robots (HR) --------------------------------------------------------------------------------


def _families_or_404(request: HttpRequest) -> list[str] | None:
    if not access.is_hr(request.user):
        raise Http404
    return access.hr_families(request.user)


def _visible_hooks(families: list[str] | None) -> Any:
    hooks = Webhook.objects.all()
    return hooks if families is None else hooks.filter(family__in=families)


@login_required
def webhooks(request: HttpRequest) -> HttpResponse:
    families = _families_or_404(request)
    form = WebhookForm(request.POST or None, families=families)
    if request.method == "POST" and form.is_valid():
        hook = form.save(commit=False)
        hook.created_by = request.user
        hook.save()
        record(request.user, "create", "webhook", hook.pk, None, _plain(hook))
        messages.success(request, _("The group robot is added."))
        return redirect("notifications:webhooks")
    hooks = list(_visible_hooks(families))
    recent = (OutboxMessage.objects.filter(webhook__in=hooks).select_related("webhook")
              .order_by("-id")[:20])
    return render(request, "notifications/webhooks.html", {
        "form": form, "hooks": [{"hook": h, "events": ("、" if lang() == "zh" else ", ").join(
            str(EVENTS[e].label) for e in h.events if e in EVENTS)} for h in hooks],
        "recent": recent,
    })


def _plain(hook: Webhook) -> dict[str, Any]:
    data = snapshot(hook, exclude=["secret"])  # the audit record does not keep the signing secret
    data["url"] = hook.url.split("?")[0]  # nor the robot's key or token
    return data


@login_required
@require_POST
def webhook_delete(request: HttpRequest, webhook_id: int) -> HttpResponse:
    hook = get_object_or_404(_visible_hooks(_families_or_404(request)), pk=webhook_id)
    before = _plain(hook)
    hook.delete()
    record(request.user, "delete", "webhook", webhook_id, before, None)
    messages.success(request, _("The group robot is removed."))
    return redirect("notifications:webhooks")


@login_required
@require_POST
def webhook_test(request: HttpRequest, webhook_id: int) -> HttpResponse:
    """Queue a test message for the worker to post (never sent from this request)."""
    hook = get_object_or_404(_visible_hooks(_families_or_404(request)), pk=webhook_id)
    OutboxMessage.objects.create(
        channel="webhook", event="test", webhook=hook, next_attempt_at=timezone.now(),
        subject="Qualify test",
        content={"title_zh": "Qualify 测试消息", "title_en": "Qualify test message",
                 "text_zh": "任职资格认证平台的群机器人已配置成功。",
                 "text_en": "The group robot of the qualification-certification platform works.",
                 "link": ""})
    messages.success(request, _("A test message is queued; the background worker sends it within a minute."))
    return redirect("notifications:webhooks")
