from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("people", "0004_importbatch_files_to_storage")]

    operations = [migrations.RemoveField(model_name="importbatch", name="content")]
