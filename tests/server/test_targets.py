"""Setting targets on the server: through the one write path, versioned by the day they take
effect, and what the township's compute, rank and report make of them.

Hand computations use the seed township (510001): 233 births in 2010OctS1 (182 of the year's
365 days), a cap of 510 births, scored by deduction (10 points, 1 point for every birth or part
of one over the cap).
"""

from __future__ import annotations

import datetime
import math
import tempfile
from pathlib import Path
from typing import Any

import pytest
from rest_framework.test import APIClient

from zicha.actions import targets
from zicha.actions.entry import (
    MethodItem,
    Refused,
    TargetCell,
    default_effective,
    put_assessment,
    put_targets,
    write,
)
from zicha.actions.loading import load_dataset
from zicha.domain.assessment import AssessmentItem
from zicha.domain.errors import InputError
from zicha.domain.period import parse_period
from zicha.domain.target import Bound
from zicha.packs.demo_county import demo_sheets
from zicha.packs.registry import get_pack
from zicha.storage import models as m
from zicha.storage.source import data_version
from zicha.workbook.export import write_raw_workbook
from zicha.workbook.reader import read_workbook

pytestmark = pytest.mark.django_db

S1 = "2010OctS1"
YEAR = parse_period("2010Oct")
BIRTHS_S1 = 233
PROJECTION = BIRTHS_S1 * 365 / 182  # the year-end births at the half-year's pace


def unit(code: str) -> m.OrgUnit:
    return m.OrgUnit.objects.get(code=code)


def user(name: str) -> m.User:
    return m.User.objects.select_related("org").get(username=name)


def births(client: APIClient, period: str = S1, org: str = "510001") -> dict[str, Any]:
    c = client.get("/api/compute", {"org": org, "period": period}).json()
    return next(i for i in c["indicators"] if i["id"] == "births")


def report_md(client: APIClient, period: str) -> str:
    response = client.get("/api/report", {"org": "510001", "period": period, "format": "md"})
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode()


def rank_rows(client: APIClient, period: str = S1) -> dict[str, dict[str, Any]]:
    rows = client.get("/api/rank", {"org": "510000", "period": period}).json()["rows"]
    return {r["org_unit"]["code"]: r for r in rows}


def set_births(value: str, effective: datetime.date | None = None, who: str = "county") -> list:
    with write(user(who), "targets") as w:
        return put_targets(
            w,
            [
                TargetCell(
                    unit("510001"), YEAR, "births", Bound("<=", float(value)), None, effective
                )
            ],
        )


def versions() -> list[tuple[datetime.date, str, float | None, bool]]:
    return list(
        m.Target.objects.filter(org__code="510001", period="2010Oct", indicator="births")
        .order_by("valid_from")
        .values_list("valid_from", "op", "value", "removed")
    )


# ---------------------------------------------------------------------------------------------
# compute and rank follow the reviewer's targets


def test_a_reviewers_target_changes_the_townships_compute_and_rank(reviewer: APIClient) -> None:
    before = rank_rows(reviewer)
    assert births(reviewer)["status"] == "on_track"
    response = reviewer.put(
        "/api/targets?org=510000&period=2010Oct",
        {"targets": [{"org_unit": "510001", "indicator": "出生人数", "target": "<=460"}]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["changes"] == [
        {
            "kind": "target",
            "org_unit": "510001",
            "period": "2010Oct",
            "indicator": "births",
            "old": "≤510",
            "new": "≤460",
            "valid_from": "2010-10-01",  # the year is over: a correction of the whole year
        }
    ]
    after = births(reviewer)
    assert after["target"]["value"] == 460.0
    # 233 of 460 is more than the 182/365 of the year elapsed: behind pace
    assert after["status"] == "at_risk"
    missed = math.ceil(PROJECTION - 460)  # 7.28 births over: 8 steps
    assert after["score"] == 10 - missed == 2
    ranked = rank_rows(reviewer)
    total = ranked["510001"]["total"]
    assert total == pytest.approx(before["510001"]["total"] - 8)
    others_above = sum(1 for code, r in before.items() if code != "510001" and r["total"] > total)
    assert ranked["510001"]["rank"] == 1 + others_above
    assert ranked["510001"]["rank"] > before["510001"]["rank"]


def test_a_change_mid_year_leaves_the_periods_already_over(reviewer: APIClient) -> None:
    changes = set_births("100", datetime.date(2011, 5, 1))
    assert [(c.old, c.new, c.effective) for c in changes] == [
        ("≤510", "≤100", datetime.date(2011, 5, 1))
    ]
    half = births(reviewer)  # ends 2011-03-31: the cap in force then
    assert half["target"]["value"] == 510.0
    assert half["status"] == "on_track"
    assert [r["value"] for r in half["target"]["revisions"]] == [510.0, 100.0]
    year = births(reviewer, "2010Oct")  # ends 2011-09-30: the cap revised in May
    assert year["target"]["value"] == 100.0
    assert year["status"] == "not_met"  # 233 births, over the cap of 100
    assert year["score"] == 0.0
    assert versions() == [
        (datetime.date(2010, 10, 1), "<=", 510.0, False),
        (datetime.date(2011, 5, 1), "<=", 100.0, False),
    ]


def test_the_report_says_the_targets_changed_mid_year(reviewer: APIClient) -> None:
    set_births("100", datetime.date(2011, 5, 1))
    text = report_md(reviewer, "2010Oct")
    assert (
        "年度中调整了目标：出生人数（2010年10月1日起≤510；2011年5月1日起≤100）。"
        "本期按期末（2011年9月30日）适用的目标考核。"
    ) in text
    assert "本期按期末（2011年3月31日）适用的目标考核" in report_md(reviewer, S1)


def test_an_unrevised_report_says_nothing_of_revisions(reviewer: APIClient) -> None:
    assert "年度中调整了目标" not in report_md(reviewer, S1)


# ---------------------------------------------------------------------------------------------
# the write path


def test_setting_the_same_target_again_changes_nothing() -> None:
    version = data_version()
    assert set_births("510") == []
    assert data_version() == version
    set_births("500")
    assert data_version() != version


def test_a_later_day_adds_a_version_and_an_earlier_one_replaces_what_follows() -> None:
    set_births("480", datetime.date(2011, 5, 1))
    set_births("470", datetime.date(2011, 7, 1))
    assert [x[2] for x in versions()] == [510.0, 480.0, 470.0]
    changes = set_births("450", datetime.date(2011, 5, 1))
    assert changes[0].old == "≤480；2011年7月1日起≤470"
    assert [x[2] for x in versions()] == [510.0, 450.0]
    set_births("510", datetime.date(2011, 5, 1))  # back to what applied before: no version
    assert [x[2] for x in versions()] == [510.0]


def test_removing_a_target_mid_year_keeps_it_for_the_periods_before(reviewer: APIClient) -> None:
    with write(user("county"), "targets") as w:
        put_targets(
            w, [TargetCell(unit("510001"), YEAR, "births", None, None, datetime.date(2011, 4, 1))]
        )
    assert versions()[-1] == (datetime.date(2011, 4, 1), "", None, True)
    assert births(reviewer)["target"]["value"] == 510.0
    assert births(reviewer, "2010Oct")["target"] is None
    with write(user("county"), "targets") as w:
        put_targets(w, [TargetCell(unit("510001"), YEAR, "births", None, None, YEAR.start)])
    assert versions() == []


def test_a_day_outside_the_year_is_refused() -> None:
    with pytest.raises(InputError) as err:
        set_births("500", datetime.date(2012, 1, 1))
    assert "2010-10-01至2011-09-30" in str(err.value)
    assert [x[2] for x in versions()] == [510.0]


def test_the_default_day_is_today_while_the_year_runs() -> None:
    assert default_effective(YEAR, datetime.date(2010, 9, 1)) == YEAR.start  # before it begins
    assert default_effective(YEAR, datetime.date(2011, 2, 14)) == datetime.date(2011, 2, 14)
    assert default_effective(YEAR, datetime.date(2012, 2, 14)) == YEAR.start  # a closed year
    with write(user("county"), "targets", today=datetime.date(2011, 2, 14)) as w:
        put_targets(w, [TargetCell(unit("510001"), YEAR, "births", Bound("<=", 400.0))])
    assert [x[0] for x in versions()] == [YEAR.start, datetime.date(2011, 2, 14)]


@pytest.mark.parametrize(
    ("who", "code", "allowed"),
    [
        ("county", "510001", True),  # a township below the county's reviewer
        ("county", "510000", False),  # the reviewer's own unit: set from above
        ("admin", "510000", True),
    ],
)
def test_who_may_set_whose_targets(who: str, code: str, allowed: bool) -> None:
    cell = TargetCell(unit(code), YEAR, "births", Bound("<=", 900.0))
    with write(user(who), "targets") as w:
        if allowed:
            assert put_targets(w, [cell])
        else:
            with pytest.raises(Refused) as err:
                put_targets(w, [cell])
            assert "本单位以下" in err.value.message
    stored = m.Target.objects.filter(org__code=code, indicator="births", value=900.0).exists()
    assert stored is allowed


def test_a_clerk_opens_no_target_write() -> None:
    with pytest.raises(Refused), write(user("xxxiang"), "targets"):
        pass  # pragma: no cover


def test_a_reviewer_writes_no_data_through_a_target_write() -> None:
    from zicha.actions.entry import Cell, put_values

    with write(user("county"), "targets") as w, pytest.raises(Refused):
        put_values(w, [Cell(unit("510001"), "deaths", parse_period("201101"), 1.0)])


NEW = "12分，按差距扣分，每1扣2"


def test_every_change_passes_the_one_place_of_the_audit_trail(monkeypatch: Any) -> None:
    from zicha.actions import entry

    passed: list[entry.TargetChange] = []
    keep = entry.record_change

    def record(w: entry.Write, change: entry.TargetChange) -> None:
        passed.append(change)
        keep(w, change)

    monkeypatch.setattr(entry, "record_change", record)
    with write(user("county"), "targets") as w:
        made = put_targets(w, [TargetCell(unit("510002"), YEAR, "births", Bound("<=", 300.0))])
        top = targets.method_unit()
        item = AssessmentItem("births", 12.0, "deduct", 1.0, 2.0)
        made += put_assessment(w, [MethodItem(top, "births", item)])
        made += put_targets(w, [TargetCell(unit("510002"), YEAR, "births", Bound("<=", 300.0))])
    assert passed == made
    assert [(c.kind, c.unit.code, c.period, c.key, c.old, c.new) for c in passed] == [
        ("target", "510002", "2010Oct", "births", "≤316", "≤300"),
        ("assessment", "510000", "", "births", "10分，按差距扣分，每1扣1，分组人口控制", NEW),
    ]


def test_loading_the_demo_again_changes_no_target_or_method() -> None:

    set_births("480", datetime.date(2011, 5, 1))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "demo.xlsx"
        sheets = demo_sheets()
        write_raw_workbook(sheets, path, list(sheets))
        summary = load_dataset(read_workbook(path, get_pack, rows=True), None, str(path))
    # the workbook's cap of 510 is not the one in force at the year's end: it takes over the
    # whole closed year again; nothing else changes
    assert +summary.created == {}
    assert +summary.updated == {"targets": 1}
    assert [x[2] for x in versions()] == [510.0]
