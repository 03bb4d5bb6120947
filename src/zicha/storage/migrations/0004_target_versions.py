# Targets become versioned: each row is one version, in force from `valid_from`; rows already
# stored are the first version of their target, in force from the start of its period.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def first_versions(apps, schema_editor):
    Target = apps.get_model("storage", "Target")
    Target.objects.update(valid_from=models.F("start"))


class Migration(migrations.Migration):
    dependencies = [
        ("storage", "0003_review_and_audit"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="target",
            name="one_target_per_item",
        ),
        migrations.AddField(
            model_name="target",
            name="valid_from",
            field=models.DateField(null=True),
        ),
        migrations.RunPython(first_versions, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="target",
            name="valid_from",
            field=models.DateField(),
        ),
        migrations.AddField(
            model_name="target",
            name="removed",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="target",
            name="updated_at",
            field=models.DateTimeField(auto_now=True),
        ),
        migrations.AddField(
            model_name="target",
            name="updated_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddConstraint(
            model_name="target",
            constraint=models.UniqueConstraint(
                fields=("org", "period", "indicator", "valid_from"), name="one_target_version"
            ),
        ),
        migrations.AddField(
            model_name="assessmentitem",
            name="updated_at",
            field=models.DateTimeField(auto_now=True),
        ),
        migrations.AddField(
            model_name="assessmentitem",
            name="updated_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                to=settings.AUTH_USER_MODEL,
            ),
        ),
    ]
