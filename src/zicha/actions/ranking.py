"""`zicha rank`: score and rank every child of an org unit."""

from __future__ import annotations

from pathlib import Path

from zicha.actions.files import write_with
from zicha.actions.session import Session
from zicha.domain.errors import InputError, Problem
from zicha.domain.result import Ranking
from zicha.engine.ranking import rank
from zicha.reports.rank_xlsx import write_ranking_xlsx


def rank_children(session: Session, org: str | None, period: str | None) -> Ranking:
    code = session.org(org)
    if not session.dataset.tree.children(code):
        raise InputError(
            [Problem(option="--org", found=code, message="该单位没有下级单位，无法排名")]
        )
    return rank(session.engine, code, session.period(period))


def write_ranking(ranking: Ranking, out: Path) -> None:
    if out.suffix.lower() != ".xlsx":
        raise InputError([Problem(file=str(out), found=out.suffix, expected=".xlsx 文件")])
    write_with(out, lambda tmp: write_ranking_xlsx(ranking, tmp))
