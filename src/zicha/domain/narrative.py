"""The clerk's own paragraphs for the report."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NarrativeSection:
    """A paragraph the clerk wrote for a section of the report.

    >>> NarrativeSection("存在问题", "（一）计生队伍人员调整较大。").section
    '存在问题'
    """

    section: str
    text: str
