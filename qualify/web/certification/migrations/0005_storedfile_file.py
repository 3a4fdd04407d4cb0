"""Stored files are a ``FileField`` of the file storage. Their names do not change (relative to the
uploads folder, which is the default storage's root); a file that is only in the old uploads folder
(``$QUALIFY_HOME/uploads``, when the storage is now elsewhere) is copied into the storage."""

from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import migrations, models

import qualify.web.certification.models


def to_storage(apps, schema_editor):
    StoredFile = apps.get_model("certification", "StoredFile")
    legacy = Path(settings.HOME) / "uploads"
    for pk, name in StoredFile.objects.values_list("pk", "file"):
        old = legacy / name
        if name and not default_storage.exists(name) and old.is_file():
            with old.open("rb") as handle:
                stored = default_storage.save(name, File(handle))
            if stored != name:
                StoredFile.objects.filter(pk=pk).update(file=stored)


class Migration(migrations.Migration):
    dependencies = [("certification", "0004_manager_opinion_evidence_record")]

    operations = [
        migrations.RenameField(model_name="storedfile", old_name="path", new_name="file"),
        migrations.AlterField(
            model_name="storedfile",
            name="file",
            field=models.FileField(editable=False, max_length=300,
                                   upload_to=qualify.web.certification.models.evidence_path),
        ),
        migrations.RunPython(to_storage, migrations.RunPython.noop),
    ]
