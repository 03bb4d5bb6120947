"""Targets revised during their period: which version applies on which day."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from zicha.domain.period import parse_period
from zicha.domain.target import Bound, Revision, target_text, versioned_targets

YEAR = parse_period("2010Oct")  # 2010-10-01 .. 2011-09-30


def v(day: date, value: float | None, points: float | None = None) -> tuple:
    bound = None if value is None else Bound("<=", value)
    return ("510001", YEAR, "births", Revision(day, bound, points))


def test_one_version_covers_the_year_and_is_not_revised() -> None:
    [t] = versioned_targets([v(YEAR.start, 510.0)])
    assert (t.valid_from, t.valid_to, t.revisions, t.revised) == (None, None, (), False)
    assert t.in_force(YEAR.start) and t.in_force(YEAR.end)


def test_a_revision_splits_the_year_on_its_day() -> None:
    first, second = versioned_targets(
        [v(date(2011, 5, 1), 480.0), v(YEAR.start, 510.0)]  # any order in
    )
    assert (first.bound.value, second.bound.value) == (510.0, 480.0)
    assert first.in_force(date(2011, 3, 31)) and not first.in_force(date(2011, 5, 1))
    assert second.in_force(date(2011, 5, 1)) and not second.in_force(date(2011, 4, 30))
    assert first.revisions == second.revisions
    assert [r.text() for r in first.revisions] == ["2010年10月1日起≤510", "2011年5月1日起≤480"]


def test_a_target_dropped_mid_year_applies_until_then_only() -> None:
    [t] = versioned_targets([v(YEAR.start, 510.0), v(date(2011, 4, 1), None)])
    assert t.in_force(date(2011, 3, 31)) and not t.in_force(date(2011, 4, 1))
    assert t.revisions[-1].text() == "2011年4月1日起不再考核"


def test_a_target_set_mid_year_applies_from_its_day_and_counts_as_revised() -> None:
    [t] = versioned_targets([v(date(2011, 1, 1), 300.0, 8.0)])
    assert not t.in_force(date(2010, 12, 31)) and t.in_force(YEAR.end)
    assert t.revised
    assert target_text(t.bound, t.points) == "≤300（8分）"


def test_targets_keep_the_order_of_their_first_version() -> None:
    rows = [
        ("510002", YEAR, "births", Revision(YEAR.start, Bound("<=", 300.0))),
        ("510001", YEAR, "births", Revision(YEAR.start, Bound("<=", 510.0))),
        ("510002", YEAR, "births", Revision(date(2011, 6, 1), Bound("<=", 280.0))),
    ]
    assert [(t.org_unit, t.bound.value) for t in versioned_targets(rows)] == [
        ("510002", 300.0),
        ("510002", 280.0),
        ("510001", 510.0),
    ]


days = st.integers(min_value=0, max_value=YEAR.days - 1).map(
    lambda n: YEAR.start + timedelta(days=n)
)
versions = st.dictionaries(
    days, st.one_of(st.none(), st.integers(0, 1000).map(float)), min_size=1, max_size=8
)


@given(versions, days)
def test_on_any_day_the_latest_version_begun_applies(chosen: dict, day: date) -> None:
    """Exactly the version with the latest start on or before the day is in force (none when
    that version drops the target, or when none has begun)."""
    targets = versioned_targets([v(d, value) for d, value in chosen.items()])
    in_force = [t for t in targets if t.in_force(day)]
    begun = [d for d in chosen if d <= day]
    expected = chosen[max(begun)] if begun else None
    if expected is None:
        assert in_force == []
    else:
        assert [t.bound.value for t in in_force] == [expected]
