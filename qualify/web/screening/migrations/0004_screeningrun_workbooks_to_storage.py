"""The workbooks of earlier screening runs, kept in the database until now, move into the file storage."""

import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import migrations


def to_storage(apps, schema_editor):
    ScreeningRun = apps.get_model("screening", "ScreeningRun")
    for pk in ScreeningRun.objects.filter(result_content__isnull=False).values_list("pk", flat=True):
        content = ScreeningRun.objects.filter(pk=pk).values_list("result_content", flat=True).first()
        if content:
            name = default_storage.save(f"screening/moved/{pk}-{uuid.uuid4().hex}.xlsx",
                                        ContentFile(bytes(content)))
            ScreeningRun.objects.filter(pk=pk).update(result=name)


def to_database(apps, schema_editor):
    ScreeningRun = apps.get_model("screening", "ScreeningRun")
    for pk, name in ScreeningRun.objects.exclude(result="").values_list("pk", "result"):
        if default_storage.exists(name):
            with default_storage.open(name, "rb") as handle:
                ScreeningRun.objects.filter(pk=pk).update(result_content=handle.read())


class Migration(migrations.Migration):
    dependencies = [("screening", "0003_screeningrun_result")]

    operations = [migrations.RunPython(to_storage, to_database)]
