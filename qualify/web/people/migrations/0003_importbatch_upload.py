import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import qualify.web.people.models


class Migration(migrations.Migration):
    """Import batches keep their file in the file storage and go through the background worker."""

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("people", "0002_evidence_source"),
    ]

    operations = [
        migrations.AddField(
            model_name="importbatch",
            name="upload",
            field=models.FileField(blank=True, editable=False, max_length=300,
                                   upload_to=qualify.web.people.models.import_path, verbose_name="file"),
        ),
        migrations.AddField(
            model_name="importbatch",
            name="progress",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="progress (%)"),
        ),
        migrations.AddField(
            model_name="importbatch",
            name="heartbeat",
            field=models.DateTimeField(blank=True, null=True, verbose_name="last sign of life"),
        ),
        migrations.AddField(
            model_name="importbatch",
            name="confirmed_by",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="+", to=settings.AUTH_USER_MODEL,
                                    verbose_name="confirmed by"),
        ),
        migrations.AlterField(
            model_name="importbatch",
            name="status",
            field=models.CharField(
                choices=[("queued", "waiting to be checked"), ("checking", "being checked"),
                         ("validated", "validated"), ("rejected", "rejected"),
                         ("confirmed", "waiting to be imported"), ("applying", "being imported"),
                         ("applied", "applied"), ("failed", "failed")],
                db_index=True, max_length=16, verbose_name="status"),
        ),
    ]
