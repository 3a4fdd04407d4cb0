"""Notifications of the cycle, through Django's email framework (the console in the demo).

Each message is written in both languages (Chinese first): an account's language is a display
preference, and a mail may be forwarded.
"""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.core.mail import send_mail

from qualify.services.certification import Notice

log = logging.getLogger(__name__)

SUBJECTS = {
    "application-received": ("申请已收到", "Application received"),
    "assigned-to-panel": ("您被指派评审一份申请", "You are assigned to review an application"),
    "result-published": ("认证结果已公示", "Certification result published"),
    "appeal-decided": ("申诉已裁决", "Appeal decided"),
}

BODIES = {
    "application-received": (
        "您在“{cycle}”中申请 {level} 级的材料已提交，编号 #{app}。",
        'Your application #{app} for level {level} in "{cycle}" was submitted.',
    ),
    "assigned-to-panel": (
        "“{cycle}”中的申请 #{app}（{level} 级）已分配给您所在的评委组，请登录评分。",
        'Application #{app} (level {level}) in "{cycle}" is assigned to your panel; '
        "please log in to score it.",
    ),
    "result-published": (
        "您在“{cycle}”中申请 {level} 级的结果已公示，请登录查看每项理由；公示期内可申诉。",
        'The result of your application for level {level} in "{cycle}" is published; '
        "log in to read every reason. You may appeal during the notice period.",
    ),
    "appeal-decided": (
        "您对“{cycle}”中申请 #{app} 的申诉已有裁决，请登录查看。",
        'Your appeal on application #{app} in "{cycle}" has been decided; log in to read it.',
    ),
}


def recipients(notice: Notice) -> list[str]:
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    by_person = users.filter(profile__person__employee_id__in=list(notice.employee_ids))
    by_id = users.filter(pk__in=list(notice.user_ids))
    return sorted({u.email for u in by_person} | {u.email for u in by_id})


def send_notice(notice: Notice) -> int:
    """Send ``notice`` to its recipients' addresses; returns the number of messages sent."""
    to = recipients(notice)
    if not to:
        return 0
    subject_zh, subject_en = SUBJECTS[notice.event]
    body_zh, body_en = BODIES[notice.event]
    values = {"cycle": notice.cycle_name, "app": notice.application_id, "level": notice.level}
    body = body_zh.format(**values) + "\n\n" + body_en.format(**values) + "\n\n— Qualify\n"
    try:
        return send_mail(f"[Qualify] {subject_zh} / {subject_en}", body, None, to)
    except OSError:  # a mail server that is down must not undo the step that was recorded
        log.exception("could not send %s to %s", notice.event, to)
        return 0
