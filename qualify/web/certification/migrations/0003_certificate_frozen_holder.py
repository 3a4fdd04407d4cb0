"""Certificates keep what they said when they were issued: the holder's name, employee id, unit and
job family, and the standard's version, copied now from the current rows (for certificates issued
before this migration, the best record there is) and never changed afterwards."""

from __future__ import annotations

from typing import Any

from django.db import migrations, models


def fill_from_current_rows(apps: Any, schema_editor: Any) -> None:
    Certificate = apps.get_model("certification", "Certificate")
    for cert in Certificate.objects.select_related("person", "person__org_unit").iterator():
        person = cert.person
        unit = person.org_unit
        Certificate.objects.filter(pk=cert.pk).update(
            holder_name=person.name,
            holder_employee_id=person.employee_id,
            holder_unit=(unit.name_zh or unit.name_en or unit.code) if unit is not None else "",
            job_family=person.job_family,
            standard_version=cert.standard_id.rpartition("@")[2],
        )


class Migration(migrations.Migration):
    dependencies = [
        ("certification", "0002_decision_trace_facts"),
        ("people", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="certificate",
            name="holder_name",
            field=models.CharField(default="", max_length=200, verbose_name="holder's name"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="certificate",
            name="holder_employee_id",
            field=models.CharField(default="", max_length=64, verbose_name="employee ID"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="certificate",
            name="holder_unit",
            field=models.CharField(blank=True, max_length=200, verbose_name="organisation unit"),
        ),
        migrations.AddField(
            model_name="certificate",
            name="job_family",
            field=models.CharField(default="", max_length=100, verbose_name="job family"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="certificate",
            name="standard_version",
            field=models.CharField(default="", max_length=40, verbose_name="standard version"),
            preserve_default=False,
        ),
        migrations.RunPython(fill_from_current_rows, migrations.RunPython.noop),
    ]
