"""Who gets what from the notification pages and their API (rows for ``test_access_matrix.py``).

Everyone logged in has their own bell, page and preferences; a notification of someone else is a 404.
Group robots are HR's (and the admin's): everyone else gets a 404. The behaviour itself is tested in
``tests/integration/test_notifications.py``.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

_spec = importlib.util.spec_from_file_location("_qualify_access_expectations_for_notifications",
                                               Path(__file__).with_name("access_expectations.py"))
assert _spec is not None and _spec.loader is not None
_base = sys.modules.setdefault(_spec.name, importlib.util.module_from_spec(_spec))
_spec.loader.exec_module(_base)
expect, hr_only, api_everyone = _base.expect, _base.hr_only, _base.api_everyone


def _employees_note(world: Any) -> dict[str, int]:
    from qualify.web.notifications.models import Notification

    note = Notification.objects.create(user=world.users["employee"], event="application-received",
                                       values={"app": 1, "level": 2, "cycle": "c"})
    return {"notification_id": note.pk}


def _hook(world: Any) -> dict[str, int]:
    from qualify.web.notifications.models import Webhook

    hook = Webhook.objects.create(name="g", platform="wecom", family="mini", events=["appeal-filed"],
                                  url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k")
    return {"webhook_id": hook.pk}


EXPECTATIONS = {
    "notifications:inbox": expect(default=200),
    "notifications:preferences": expect(default=200),
    # POST-only pages: a GET is 405 for everyone logged in
    "notifications:read": expect(default=405, kwargs=_employees_note),
    "notifications:read-all": expect(default=405),
    "notifications:webhooks": hr_only(),
    "notifications:webhook-delete": expect(default=405, kwargs=_hook),
    "notifications:webhook-test": expect(default=405, kwargs=_hook),
    "api:my_notifications": api_everyone(),
    "api:my_unread_count": api_everyone(),
    "api:mark_notification_read": expect(default=405, anonymous=405, kwargs=_employees_note),  # a POST
    "api:mark_all_notifications_read": expect(default=405, anonymous=405),  # a POST
}
