# Tokens expire. Tokens made before expiry existed are given a year from when they were made.

import datetime

from django.db import migrations, models


def give_old_tokens_a_year(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    for token in ApiToken.objects.filter(expires__isnull=True):
        token.expires = token.created + datetime.timedelta(days=365)
        token.save(update_fields=["expires"])


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0004_drop_login_attempt"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires",
            field=models.DateTimeField(db_index=True, null=True, verbose_name="expires"),
        ),
        migrations.RunPython(give_old_tokens_a_year, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires",
            field=models.DateTimeField(db_index=True, verbose_name="expires"),
        ),
    ]
