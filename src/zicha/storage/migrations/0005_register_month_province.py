# The month-grain facts carry the province of their unit (the unit just below the root): with
# the month, the key PostgreSQL's declarative partitions are cut by (`zicha db partition`).

from django.db import migrations, models


def provinces(apps, schema_editor):
    OrgUnit = apps.get_model("storage", "OrgUnit")
    RegisterMonth = apps.get_model("storage", "RegisterMonth")
    below: dict[int, list[int]] = {}
    for pk, path in OrgUnit.objects.values_list("pk", "path"):
        keys = path.split("/")
        below.setdefault(int(keys[1] if len(keys) > 2 else keys[0]), []).append(pk)
    for province, units in below.items():
        for i in range(0, len(units), 500):
            RegisterMonth.objects.filter(org_id__in=units[i : i + 500]).update(province=province)


class Migration(migrations.Migration):
    dependencies = [
        ("storage", "0004_target_versions"),
    ]

    operations = [
        migrations.AddField(
            model_name="registermonth",
            name="province",
            field=models.BigIntegerField(default=0),
        ),
        migrations.RunPython(provinces, migrations.RunPython.noop),
    ]
