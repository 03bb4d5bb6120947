"""The one write path: counts, refusals, the data version, and that every writer goes through
it."""

from __future__ import annotations

from typing import Any

import pytest

from zicha.actions import entry
from zicha.actions.entry import Cell, Refused, put_values, write
from zicha.domain.errors import Problem
from zicha.domain.period import parse_period
from zicha.storage import models as m

JAN = parse_period("201101")


def unit(code: str) -> m.OrgUnit:
    return m.OrgUnit.objects.get(code=code)


def user(name: str) -> m.User:
    return m.User.objects.get(username=name)


def version() -> str:
    return m.DataVersion.objects.get(name="data").value


def test_counts_of_a_batch(db: Any) -> None:
    clerk, own = user("xxxiang"), unit("510001")
    with write(clerk, "form") as w:
        first = put_values(w, [Cell(own, "deaths", JAN, 3.0), Cell(own, "births", JAN, 9.0)])
    assert first.as_dict() == {"imported": 2, "updated": 0, "deleted": 0, "ignored": 0}
    before = version()
    with write(clerk, "form") as w:
        same = put_values(w, [Cell(own, "deaths", JAN, 3.0), Cell(own, "births", JAN, 10.0)])
    assert same.as_dict() == {"imported": 0, "updated": 1, "deleted": 0, "ignored": 1}
    assert version() != before
    with write(clerk, "form") as w:
        gone = put_values(w, [Cell(own, "deaths", JAN, None), Cell(own, "deaths", JAN, None)])
    assert gone.as_dict() == {"imported": 0, "updated": 0, "deleted": 1, "ignored": 1}
    quiet = version()
    with write(clerk, "form") as w:
        nothing = put_values(w, [Cell(own, "births", JAN, 10.0)])
    assert nothing.ignored == 1
    assert version() == quiet  # nothing changed: cached figures stay valid


def test_a_reviewer_writes_nothing(db: Any) -> None:
    with pytest.raises(Refused), write(user("county"), "form"):
        pass


def test_rows_outside_the_subtree_refuse_the_whole_batch(db: Any) -> None:
    clerk = user("xxxiang")
    before = m.DataValue.objects.count()
    with pytest.raises(Refused) as refused, write(clerk, "import") as w:
        put_values(
            w,
            [
                Cell(unit("510001"), "deaths", JAN, 1.0, where=Problem(sheet="数据", row=2)),
                Cell(unit("510002"), "deaths", JAN, 1.0, where=Problem(sheet="数据", row=3)),
            ],
        )
    assert [p.row for p in refused.value.problems] == [3]
    assert m.DataValue.objects.count() == before


def test_an_error_inside_a_write_rolls_it_back(db: Any) -> None:
    before = version()
    with pytest.raises(RuntimeError), write(None, "load") as w:
        put_values(w, [Cell(unit("510002"), "deaths", JAN, 1.0)])
        raise RuntimeError("boom")
    assert not m.DataValue.objects.filter(org__code="510002", period="201101").exists()
    assert version() == before


def test_load_goes_through_the_write_path(
    db: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    from zicha.actions import loading
    from zicha.actions.demo_county import load_demo_county

    seen: list[str] = []
    original = entry.write

    def spy(who: Any, how: Any) -> Any:
        seen.append(how)
        return original(who, how)

    monkeypatch.setattr(loading, "write", spy)
    load_demo_county()
    assert seen == ["load"]
