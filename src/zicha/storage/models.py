"""The tables of the server tier.

Data is kept at the grain it was entered: a value for (org unit, period, element), one row per
register event. Org units carry a materialized path of primary keys (`"1/4/17/"`), so a unit's
subtree is every unit whose path starts with its own: one indexed prefix query, whatever the depth.
"""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser
from django.db import models

ROLES = (("clerk", "填报员"), ("reviewer", "审核员"), ("admin", "管理员"))


class OrgUnit(models.Model):
    """A node of the hierarchy (county > township > village / community / enterprise)."""

    code = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    kind = models.CharField(max_length=32, blank=True, default="")
    #: primary keys from the root down to this unit, each followed by "/"
    path = models.CharField(max_length=2000, default="", db_index=True)

    class Meta:
        ordering: ClassVar = ["path"]
        indexes: ClassVar = [
            models.Index(
                fields=["path"], name="orgunit_path_prefix", opclasses=["varchar_pattern_ops"]
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1

    @property
    def province(self) -> int:
        return province_of(self.path)


def province_of(path: str) -> int:
    """The primary key of the unit just below the root that holds the unit of `path` (a
    province, in a national tree); the root's own key for the root. The partition key of the
    month-grain facts (`RegisterMonth.province`)."""
    keys = path.split("/")
    return int(keys[1] if len(keys) > 2 else keys[0])


class User(AbstractUser):
    """A person with one role and one org unit: it sees that unit and every unit below it."""

    role = models.CharField(max_length=16, choices=ROLES, default="clerk")
    org = models.ForeignKey(OrgUnit, null=True, on_delete=models.PROTECT, related_name="users")


class ApiToken(models.Model):
    """A bearer token for the API (`POST /api/token`)."""

    key = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="tokens")
    created = models.DateTimeField(auto_now_add=True)


class Setting(models.Model):
    """A server-wide setting, such as the pack the county works with."""

    key = models.CharField(max_length=64, primary_key=True)
    value = models.TextField()


class DataVersion(models.Model):
    """A token every write replaces: cached computations are keyed on it. A random token, not a
    counter, so that a restored or rolled-back database never reuses a version it had before."""

    name = models.CharField(max_length=32, primary_key=True)
    value = models.CharField(max_length=32, default="")


class DataValue(models.Model):
    """A data value at the grain it was entered; `stated` marks a figure as stated in a report
    (its element is then an indicator id)."""

    org = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="values")
    element = models.CharField(max_length=100)
    period = models.CharField(max_length=40)
    start = models.DateField()
    end = models.DateField()
    value = models.FloatField()
    comment = models.TextField(blank=True, default="")
    stated = models.BooleanField(default=False)
    #: the spreadsheet row it was loaded from (null when typed in a form)
    row = models.IntegerField(null=True, blank=True)
    updated_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["org", "element", "period", "stated"], name="one_value_per_cell"
            )
        ]
        indexes: ClassVar = [models.Index(fields=["element", "start", "end"], name="value_span")]


class Birth(models.Model):
    """One live birth of the births register."""

    #: no index of its own (the (org, date) index serves every query by unit) and no constraint
    #: in the database: millions of rows are written in bulk, by the loader alone, for units it
    #: has just looked up; a constraint would check each row again at commit
    org = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="births",
        db_index=False,
        db_constraint=False,
    )
    date = models.DateField()
    sex = models.CharField(max_length=1, blank=True, default="")  # "M" or "F"
    order = models.IntegerField(null=True, blank=True)
    in_policy = models.BooleanField(null=True, blank=True)
    ref = models.CharField(max_length=100, blank=True, default="")

    class Meta:
        indexes: ClassVar = [models.Index(fields=["org", "date"], name="birth_org_date")]


class Death(models.Model):
    """One death of the deaths register."""

    #: no index of its own (the (org, date) index serves every query by unit) and no constraint
    #: in the database: millions of rows are written in bulk, by the loader alone, for units it
    #: has just looked up; a constraint would check each row again at commit
    org = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="deaths",
        db_index=False,
        db_constraint=False,
    )
    date = models.DateField()
    sex = models.CharField(max_length=1, blank=True, default="")
    age = models.FloatField(null=True, blank=True)
    ref = models.CharField(max_length=100, blank=True, default="")

    class Meta:
        indexes: ClassVar = [models.Index(fields=["org", "date"], name="death_org_date")]


class RegisterMonth(models.Model):
    """A register's rows counted for one element, org unit and month: the month-grain facts the
    engine sums with GROUP BY queries. Written in the same pass as the rows; a unit and month
    with rows has a count for every element of its register, 0 included."""

    org = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="register_months",
        db_index=False,
        db_constraint=False,
    )
    sheet = models.CharField(max_length=20)
    element = models.CharField(max_length=100)
    start = models.DateField()
    end = models.DateField()
    value = models.FloatField()
    #: `province_of` the unit: with `start`, the key PostgreSQL's partitions are cut by
    #: (`zicha.storage.partitions`); written with the row, and again when the unit moves
    province = models.BigIntegerField(default=0)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["org", "element", "start"], name="one_count_per_unit_month"
            )
        ]


class RegisterDigest(models.Model):
    """What is stored of one register for one org unit and month: how many rows and a digest of
    them (a sum of row hashes, the same whatever the order). A load compares digests and leaves
    a month whose rows it already holds untouched, without reading them back."""

    org = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="register_digests",
        db_index=False,
        db_constraint=False,
    )
    sheet = models.CharField(max_length=20)
    start = models.DateField()
    rows = models.BigIntegerField()
    digest = models.BigIntegerField()
    #: how the digest was made (the hash and its version); another scheme compares rows instead
    scheme = models.CharField(max_length=40)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["org", "sheet", "start"], name="one_digest_per_month")
        ]


class RegisterTotal(models.Model):
    """A register's rows in one month over every unit: the sum of that month's
    `RegisterDigest.rows`, kept by the loader as it writes them, so that the register's months
    are known from a dozen rows a year, whatever the number of units."""

    sheet = models.CharField(max_length=20)
    start = models.DateField()
    rows = models.BigIntegerField()

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["sheet", "start"], name="one_total_per_month")
        ]


class Target(models.Model):
    """One version of a bound on an indicator for an org unit and period: in force from
    `valid_from` until the next version of the same target starts. A target revised during its
    period has several rows; `removed` marks a version that drops the target from that day."""

    org = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="targets")
    period = models.CharField(max_length=40)
    start = models.DateField()
    end = models.DateField()
    indicator = models.CharField(max_length=100)
    valid_from = models.DateField()
    removed = models.BooleanField(default=False)
    op = models.CharField(max_length=8)
    value = models.FloatField(null=True, blank=True)
    low = models.FloatField(null=True, blank=True)
    high = models.FloatField(null=True, blank=True)
    points = models.FloatField(null=True, blank=True)
    updated_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["org", "period", "indicator", "valid_from"], name="one_target_version"
            )
        ]


class AssessmentItem(models.Model):
    """One item of the assessment method (考核办法) set by `org` for the units below it."""

    org = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="assessment")
    key = models.CharField(max_length=200)
    points = models.FloatField(null=True, blank=True)
    mode = models.CharField(max_length=20, default="all_or_nothing")
    step = models.FloatField(null=True, blank=True)
    deduct = models.FloatField(null=True, blank=True)
    veto = models.BooleanField(default=False)
    weight = models.FloatField(default=1.0)
    group = models.CharField(max_length=100, blank=True, default="")
    split = models.CharField(max_length=100, blank=True, default="")
    position = models.IntegerField(default=0)
    updated_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar = ["position", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["org", "key"], name="one_item_per_key")
        ]


class ChecklistItem(models.Model):
    """A checked item and its rectification (CONTRACT §6)."""

    org = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="checklist")
    period = models.CharField(max_length=40)
    start = models.DateField()
    end = models.DateField()
    item = models.TextField()
    requirement = models.TextField(blank=True, default="")
    result = models.CharField(max_length=8, default="达标")
    problem = models.TextField(blank=True, default="")
    action = models.TextField(blank=True, default="")
    owner = models.CharField(max_length=200, blank=True, default="")
    deadline = models.DateField(null=True, blank=True)
    closed = models.BooleanField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    points = models.FloatField(null=True, blank=True)
    position = models.IntegerField(default=0)
    #: the spreadsheet row it was loaded from (null when typed in a form)
    row = models.IntegerField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["position", "id"]


class Narrative(models.Model):
    """A paragraph the clerk wrote for a section of the report."""

    org = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="narrative")
    period = models.CharField(max_length=40, blank=True, default="")
    section = models.CharField(max_length=200)
    text = models.TextField()
    position = models.IntegerField(default=0)

    class Meta:
        ordering: ClassVar = ["position", "id"]


class ReportHeader(models.Model):
    """The `meta` keys of a unit's report: title, issuer, addressee, date, basis."""

    org = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="header")
    key = models.CharField(max_length=32)
    value = models.TextField()

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["org", "key"], name="one_header_key")
        ]


SUBMISSION_STATES = (
    ("submitted", "已报送"),
    ("returned", "已退回"),
    ("approved", "已审核通过"),
)


class Submission(models.Model):
    """A unit's report for a period, on its way through review: `submitted`, then `approved`
    or `returned` (with the reviewer's comment) and submitted again. A unit and period without
    a row is a draft. While submitted, and for good once approved, the data of the unit and
    every unit below it, for every period overlapping this one, cannot change."""

    org = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="submissions")
    period = models.CharField(max_length=40)
    start = models.DateField()
    end = models.DateField()
    state = models.CharField(max_length=16, choices=SUBMISSION_STATES)
    submitted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: the latest submission, and the first (lateness is judged on the first)
    submitted_at = models.DateTimeField()
    first_submitted_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    #: the reviewer's comment on the latest return or approval
    comment = models.TextField(blank=True, default="")

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["org", "period"], name="one_submission_per_period")
        ]
        indexes: ClassVar = [models.Index(fields=["state", "start", "end"], name="submission_span")]


class Deadline(models.Model):
    """When the units below `org` must have submitted their report for `period`."""

    org = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="deadlines")
    period = models.CharField(max_length=40)
    start = models.DateField()
    end = models.DateField()
    due = models.DateField()
    set_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["org", "period"], name="one_deadline_per_period")
        ]


class AuditEntry(models.Model):
    """One change, as it happened: append-only (database triggers refuse UPDATE and DELETE) and
    chained: `hash` is the SHA-256 of this entry's canonical form, which includes `prev`, the
    hash of the entry before. Units and users are kept as text, so an entry outlives renames."""

    seq = models.BigIntegerField(primary_key=True)
    time = models.DateTimeField()
    user = models.CharField(max_length=150, blank=True, default="")
    #: how the change came in: form, import, dataValueSets, load, checklist, review, …
    path = models.CharField(max_length=20)
    #: create, update or delete
    action = models.CharField(max_length=8)
    #: what changed: value, stated, birth, death, target, assessment, checklist, narrative, …
    kind = models.CharField(max_length=20)
    org = models.CharField(max_length=64, blank=True, default="")
    period = models.CharField(max_length=40, blank=True, default="")
    start = models.DateField(null=True, blank=True)
    end = models.DateField(null=True, blank=True)
    element = models.CharField(max_length=300, blank=True, default="")
    old = models.TextField(null=True, blank=True)
    new = models.TextField(null=True, blank=True)
    comment = models.TextField(blank=True, default="")
    prev = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["org", "element", "period"], name="audit_cell"),
        ]


class AuditHead(models.Model):
    """The end of the audit chain: its last entry's number and hash. Appending locks this row,
    so that entries are chained one after another whatever the number of writers; verifying
    compares it with the last entry, so that entries removed from the end are found too."""

    name = models.CharField(max_length=16, primary_key=True)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)
