from django.db import migrations, models

import qualify.web.screening.models


class Migration(migrations.Migration):
    """A run's workbook goes into the file storage; the row keeps its name."""

    dependencies = [("screening", "0002_worker_heartbeat")]

    operations = [
        migrations.AddField(
            model_name="screeningrun",
            name="result",
            field=models.FileField(blank=True, editable=False, max_length=300,
                                   upload_to=qualify.web.screening.models.result_path,
                                   verbose_name="result workbook"),
        ),
    ]
