"""Benchmark of notifications (not a test): ``python bench/notifications.py [--users 2000] [--per-user 100]``.

Migrates a SQLite database in a new temporary ``QUALIFY_HOME``, makes ``--users`` accounts with
``--per-user`` notifications each (a third unread), then measures:

(a) the bell: one user's unread count (the one query every page makes), median of 200, and the plan
    SQLite picks for it (it should use the ``notification_unread`` index);
(b) dispatch: one ``result-published`` notice per applicant for 1,000 applicants (what publishing a
    cycle writes: bell rows and e-mail outbox rows), in one transaction;
(c) the worker: sending that e-mail outbox through Django's in-memory mail backend.

The last line is
``notifications: bell X ms over N rows, dispatch Y ms per applicant, outbox Z messages/s``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--per-user", type=int, default=100)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="qualify-bench-notify-"))
    os.environ["QUALIFY_HOME"] = str(home)
    os.environ.pop("DATABASE_URL", None)
    from qualify.web import server

    server.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from qualify.services.certification.values import Notice
    from qualify.web.accounts.models import Profile
    from qualify.web.notifications.context import unread_count
    from qualify.web.notifications.delivery import deliver
    from qualify.web.notifications.dispatch import dispatch
    from qualify.web.notifications.models import Notification, OutboxMessage
    from qualify.web.people.models import Person

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("migrate", verbosity=0)
    User = get_user_model()
    User.objects.bulk_create([User(username=f"u{i:06d}", email=f"u{i:06d}@example.com")
                              for i in range(args.users)])
    ids = list(User.objects.values_list("pk", flat=True))
    now = timezone.now()
    start = time.perf_counter()
    for chunk in range(0, len(ids), 200):
        rows = [Notification(user_id=uid, event="appeal-filed", values={"app": n, "level": 2, "cycle": "c"},
                             read_at=None if n % 3 == 0 else now)
                for uid in ids[chunk:chunk + 200] for n in range(args.per_user)]
        Notification.objects.bulk_create(rows, batch_size=5000)
    total = Notification.objects.count()
    print(f"made {total} notifications in {time.perf_counter() - start:.1f} s")

    user = User.objects.get(pk=ids[len(ids) // 2])
    times = []
    for _ in range(200):
        t = time.perf_counter()
        unread_count(user)
        times.append((time.perf_counter() - t) * 1000)
    bell = statistics.median(times)
    with connection.cursor() as cursor:
        query = Notification.objects.filter(user=user, read_at__isnull=True).order_by().query
        sql, params = query.sql_with_params()  # (.count() drops the ordering too)
        cursor.execute(f"EXPLAIN QUERY PLAN SELECT COUNT(*) FROM ({sql})", params)  # noqa: S608  (Django's own SQL)
        plan = " / ".join(str(row[-1]) for row in cursor.fetchall())
    print(f"(a) bell: unread count {bell:.2f} ms median, {max(times):.2f} ms slowest; plan: {plan}")

    # applicants: 1,000 people with an account each (the profile's employee record)
    applicants = min(1000, len(ids))
    people = Person.objects.bulk_create([
        Person(employee_id=f"B{i:06d}", name=f"员工{i}", job_family="bench", current_level=1,
               hire_date=now.date(), family_start_date=now.date()) for i in range(applicants)])
    Profile.objects.bulk_create([Profile(user_id=uid, person=person, roles=["employee"])
                                 for person, uid in zip(people, ids[:applicants], strict=True)])
    OutboxMessage.objects.all().delete()
    start = time.perf_counter()
    with transaction.atomic():
        for n, person in enumerate(people):
            dispatch(Notice("result-published", employee_ids=(person.employee_id,), cycle_name="bench",
                            application_id=n + 1, level=2, family="bench", on=now.date()))
    spent = time.perf_counter() - start
    per = spent / applicants * 1000
    print(f"(b) dispatch: {applicants} applicants in {spent:.2f} s ({per:.2f} ms each), "
          f"{OutboxMessage.objects.count()} e-mails queued")

    start = time.perf_counter()
    sent = 0
    while True:
        counts = deliver(limit=200)
        if not counts["sent"] and not counts["retried"]:
            break
        sent += counts["sent"]
    spent = time.perf_counter() - start
    rate = sent / spent if spent else 0.0
    print(f"(c) worker: {sent} e-mails sent in {spent:.2f} s")
    print(f"notifications: bell {bell:.2f} ms over {total} rows, dispatch {per:.2f} ms per applicant, "
          f"outbox {rate:.0f} messages/s")


if __name__ == "__main__":
    main()
