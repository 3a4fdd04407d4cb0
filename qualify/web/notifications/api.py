"""``/api/notifications/``: the caller's own notifications (the bell's JSON twin)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema

from qualify.web.notifications.context import uid, unread_count
from qualify.web.notifications.events import render
from qualify.web.notifications.models import Notification
from qualify.web.pagination import Listing, paginate_api

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    event: str
    title: str
    text: str
    link: str
    created_at: dt.datetime
    read: bool


class UnreadOut(Schema):
    unread: int


def _out(note: Notification) -> NotificationOut:
    title, text = render(note.event, note.values)
    return NotificationOut(id=note.pk, event=note.event, title=title, text=text, link=note.link,
                           created_at=note.created_at, read=note.read_at is not None)


@router.get("/", response=list[NotificationOut], summary="My notifications, newest first")
@paginate_api
def my_notifications(request: HttpRequest, unread: bool = False) -> Listing:
    notes = Notification.objects.filter(user_id=uid(request))
    if unread:
        notes = notes.filter(read_at__isnull=True)
    return Listing(notes, lambda page: [_out(note) for note in page])


@router.get("/unread", response=UnreadOut, summary="How many of my notifications are unread")
def my_unread_count(request: HttpRequest) -> UnreadOut:
    return UnreadOut(unread=unread_count(request.user))


@router.post("/{notification_id}/read", response=NotificationOut, summary="Mark one of my notifications read")
def mark_notification_read(request: HttpRequest, notification_id: int) -> NotificationOut:
    note = get_object_or_404(Notification, pk=notification_id, user_id=uid(request))
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    return _out(note)


@router.post("/read-all", response=UnreadOut, summary="Mark all my notifications read")
def mark_all_notifications_read(request: HttpRequest) -> UnreadOut:
    Notification.objects.filter(user_id=uid(request), read_at__isnull=True).update(read_at=timezone.now())
    return UnreadOut(unread=0)
