from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("screening", "0004_screeningrun_workbooks_to_storage")]

    operations = [migrations.RemoveField(model_name="screeningrun", name="result_content")]
