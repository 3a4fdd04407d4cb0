"""The files of earlier import batches, kept in the database until now, move into the file storage."""

import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import migrations


def to_storage(apps, schema_editor):
    ImportBatch = apps.get_model("people", "ImportBatch")
    for pk in ImportBatch.objects.values_list("pk", flat=True):
        content = ImportBatch.objects.filter(pk=pk).values_list("content", flat=True).first()
        if content:
            name = default_storage.save(f"imports/moved/{pk}-{uuid.uuid4().hex}.xlsx", ContentFile(bytes(content)))
            ImportBatch.objects.filter(pk=pk).update(upload=name)


def to_database(apps, schema_editor):
    ImportBatch = apps.get_model("people", "ImportBatch")
    for pk, name in ImportBatch.objects.exclude(upload="").values_list("pk", "upload"):
        if default_storage.exists(name):
            with default_storage.open(name, "rb") as handle:
                ImportBatch.objects.filter(pk=pk).update(content=handle.read())


class Migration(migrations.Migration):
    dependencies = [("people", "0003_importbatch_upload")]

    operations = [migrations.RunPython(to_storage, to_database)]
