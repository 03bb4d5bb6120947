# The month-grain facts carry the province of their unit (the unit just below the root): with
# the month, the key PostgreSQL's declarative partitions are cut by (`zicha db partition`).
# Each register's rows per month over every unit are kept in a table of their own.

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


def totals(apps, schema_editor):
    RegisterDigest = apps.get_model("storage", "RegisterDigest")
    RegisterTotal = apps.get_model("storage", "RegisterTotal")
    sums = RegisterDigest.objects.values("sheet", "start").annotate(n=models.Sum("rows"))
    RegisterTotal.objects.bulk_create(
        RegisterTotal(sheet=s["sheet"], start=s["start"], rows=s["n"]) for s in sums
    )


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
        migrations.CreateModel(
            name="RegisterTotal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("sheet", models.CharField(max_length=20)),
                ("start", models.DateField()),
                ("rows", models.BigIntegerField()),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("sheet", "start"), name="one_total_per_month")
                ],
            },
        ),
        migrations.RunPython(totals, migrations.RunPython.noop),
    ]
