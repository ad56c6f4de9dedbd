from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("publishing", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="publication",
            name="lookup_failures",
            field=models.PositiveSmallIntegerField(default=0),
        ),
    ]
