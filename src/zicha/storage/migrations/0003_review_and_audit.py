# Submissions, deadlines and the audit trail. The audit table is append-only: triggers, one set
# per database vendor, refuse every UPDATE and DELETE (and TRUNCATE on PostgreSQL). SQLite rebuilds a
# table to alter it, which drops its triggers: a later migration that alters the audit table must
# create them again (`triggers_up`).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

AUDIT = "storage_auditentry"
GENESIS = "0" * 64
MESSAGE = "变更记录只能追加，不能修改或删除"

SQLITE_UP = [
    f"CREATE TRIGGER {AUDIT}_no_update BEFORE UPDATE ON {AUDIT} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    f"CREATE TRIGGER {AUDIT}_no_delete BEFORE DELETE ON {AUDIT} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
]
SQLITE_DOWN = [f"DROP TRIGGER IF EXISTS {AUDIT}_no_update", f"DROP TRIGGER IF EXISTS {AUDIT}_no_delete"]

POSTGRES_UP = [
    f"""CREATE OR REPLACE FUNCTION {AUDIT}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege';
    END
    $$""",
    f"CREATE TRIGGER {AUDIT}_no_change BEFORE UPDATE OR DELETE ON {AUDIT} "
    f"FOR EACH ROW EXECUTE FUNCTION {AUDIT}_append_only()",
    f"CREATE TRIGGER {AUDIT}_no_truncate BEFORE TRUNCATE ON {AUDIT} "
    f"FOR EACH STATEMENT EXECUTE FUNCTION {AUDIT}_append_only()",
]
POSTGRES_DOWN = [
    f"DROP TRIGGER IF EXISTS {AUDIT}_no_change ON {AUDIT}",
    f"DROP TRIGGER IF EXISTS {AUDIT}_no_truncate ON {AUDIT}",
    f"DROP FUNCTION IF EXISTS {AUDIT}_append_only()",
]


def _run(schema_editor, statements):
    for sql in statements:
        schema_editor.execute(sql)


def triggers_up(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    _run(schema_editor, {"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}.get(vendor, []))
    apps.get_model("storage", "AuditHead").objects.using(schema_editor.connection.alias).create(
        name="audit", seq=0, hash=GENESIS
    )


def triggers_down(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    _run(schema_editor, {"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}.get(vendor, []))

class Migration(migrations.Migration):

    dependencies = [
        ('storage', '0002_register_months'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditHead',
            fields=[
                ('name', models.CharField(max_length=16, primary_key=True, serialize=False)),
                ('seq', models.BigIntegerField(default=0)),
                ('hash', models.CharField(max_length=64)),
            ],
        ),
        migrations.CreateModel(
            name='AuditEntry',
            fields=[
                ('seq', models.BigIntegerField(primary_key=True, serialize=False)),
                ('time', models.DateTimeField()),
                ('user', models.CharField(blank=True, default='', max_length=150)),
                ('path', models.CharField(max_length=20)),
                ('action', models.CharField(max_length=8)),
                ('kind', models.CharField(max_length=20)),
                ('org', models.CharField(blank=True, default='', max_length=64)),
                ('period', models.CharField(blank=True, default='', max_length=40)),
                ('start', models.DateField(blank=True, null=True)),
                ('end', models.DateField(blank=True, null=True)),
                ('element', models.CharField(blank=True, default='', max_length=300)),
                ('old', models.TextField(blank=True, null=True)),
                ('new', models.TextField(blank=True, null=True)),
                ('comment', models.TextField(blank=True, default='')),
                ('prev', models.CharField(max_length=64)),
                ('hash', models.CharField(max_length=64)),
            ],
            options={
                'indexes': [models.Index(fields=['org', 'element', 'period'], name='audit_cell')],
            },
        ),
        migrations.CreateModel(
            name='Deadline',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('period', models.CharField(max_length=40)),
                ('start', models.DateField()),
                ('end', models.DateField()),
                ('due', models.DateField()),
                ('set_at', models.DateTimeField(auto_now=True)),
                ('org', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='deadlines', to='storage.orgunit')),
                ('set_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('org', 'period'), name='one_deadline_per_period')],
            },
        ),
        migrations.CreateModel(
            name='Submission',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('period', models.CharField(max_length=40)),
                ('start', models.DateField()),
                ('end', models.DateField()),
                ('state', models.CharField(choices=[('submitted', '已报送'), ('returned', '已退回'), ('approved', '已审核通过')], max_length=16)),
                ('submitted_at', models.DateTimeField()),
                ('first_submitted_at', models.DateTimeField()),
                ('decided_at', models.DateTimeField(blank=True, null=True)),
                ('comment', models.TextField(blank=True, default='')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('org', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='submissions', to='storage.orgunit')),
                ('submitted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'indexes': [models.Index(fields=['state', 'start', 'end'], name='submission_span')],
                'constraints': [models.UniqueConstraint(fields=('org', 'period'), name='one_submission_per_period')],
            },
        ),
        migrations.RunPython(triggers_up, triggers_down),
    ]
