"""`zicha serve --demo`: load the demo county and its accounts into the database."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from zicha.actions.accounts import ROLE_NAMES, add_user
from zicha.actions.loading import load_workbook
from zicha.packs.demo_county import demo_sheets
from zicha.workbook.export import write_raw_workbook
from zicha.workbook.sheets import SHEETS


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str
    org: str

    @property
    def role_name(self) -> str:
        return ROLE_NAMES[self.role]


ACCOUNTS = (
    DemoAccount("admin", "zicha-admin", "admin", "510000"),
    DemoAccount("county", "zicha-county", "reviewer", "510000"),
    DemoAccount("xxxiang", "zicha-clerk", "clerk", "510001"),
    DemoAccount("donghe", "zicha-clerk", "clerk", "510002"),
)


def open_demo() -> list[DemoAccount]:
    """`zicha serve --demo`: the demo county loaded into a new server, its accounts, and the
    half-year round started. A server that already has data keeps it: what was entered,
    submitted and approved since the first start stays (loading the demo workbook again would
    put back the figures clerks changed, and is refused where they are locked)."""
    from zicha.storage.source import pack_id

    if pack_id() is None:
        load_demo_county()
    else:
        for a in ACCOUNTS:
            add_user(a.username, a.role, a.org, a.password)
    start_demo_round()
    return list(ACCOUNTS)


def load_demo_county() -> list[DemoAccount]:
    """Load the demo county into the database (again: nothing changes) and add its accounts."""
    sheets = demo_sheets()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "示例县.xlsx"
        write_raw_workbook(sheets, path, [s.zh for s in SHEETS])
        load_workbook(path)
    for a in ACCOUNTS:
        add_user(a.username, a.role, a.org, a.password)
    return list(ACCOUNTS)


#: the half-year round of the demo: the county's deadline, and one township already in
DEMO_PERIOD = "2010OctS1"
DEMO_DUE = "2011-04-05"
DEMO_SUBMITTED = ("donghe", "510002")


def start_demo_round() -> None:
    """The county's deadline for the half-year report (5 April 2011, long past: every township
    that has not submitted is late) and 东河镇's report submitted, so the reviewer's 审核 page
    has something waiting. Only once: a restarted demo keeps what was done since."""
    from zicha.actions import deadlines, submissions
    from zicha.domain.period import parse_period
    from zicha.storage import models as m

    period = parse_period(DEMO_PERIOD)
    county = m.User.objects.get(username="county")
    if not m.Deadline.objects.filter(period=period.id).exists():
        deadlines.set_deadline(county, "510000", period, DEMO_DUE)
    clerk, org = DEMO_SUBMITTED
    if not m.Submission.objects.filter(org__code=org, period=period.id).exists():
        submissions.submit(m.User.objects.get(username=clerk), org, period)
