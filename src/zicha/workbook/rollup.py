"""Sums up the org tree in arrays: each unit's figures added into every unit above it.

A workbook's register counts (per unit and month) and stock levels (per unit and date) are
added up the tree for every unit and period of a table at once. In arrays with a row per unit
this is a few numpy operations, level by level from the deepest units up; joining frames with
every (unit, ancestor) pair and grouping them by the ancestor's code took ten times as long.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl

from zicha.domain.orgunit import OrgTree


class TreeSums:
    """A tree's units in depth-first order (a unit's place), and its levels to add up."""

    def __init__(self, tree: OrgTree) -> None:
        import numpy as np  # (imported when a table is asked for, not for every command)

        root = tree.root.code
        #: the units' codes by place: the root first, then depth first
        self.codes: list[str] = [root, *tree.descendants(root)]
        self.place = {code: i for i, code in enumerate(self.codes)}
        depth = {root: 0}
        for code in self.codes[1:]:
            parent = tree.get(code).parent
            assert parent is not None
            depth[code] = depth[parent] + 1
        #: deepest first: the children of each level (by their parent's place), their parents
        #: (once each) and where each parent's children start
        self._levels: list[tuple[Any, Any, Any]] = []
        for d in range(max(depth.values()), 0, -1):
            kids = sorted(
                (self.place[tree.get(c).parent or ""], self.place[c])
                for c in self.codes
                if depth[c] == d
            )
            parents = np.array([p for p, _ in kids])
            starts = np.flatnonzero(np.r_[True, parents[1:] != parents[:-1]])
            self._levels.append((np.array([k for _, k in kids]), parents[starts], starts))

    def __len__(self) -> int:
        return len(self.codes)

    def places(self, codes: pl.Series) -> Any:
        """Each code's place (-1: not a unit of the tree), as a numpy array."""
        return codes.replace_strict(self.place, default=-1, return_dtype=pl.Int64).to_numpy()

    def up(self, values: Any) -> Any:
        """`values` (a row per place) with each unit's row added into every unit above it.

        >>> from zicha.domain.orgunit import OrgUnit
        >>> t = TreeSums(OrgTree.build([OrgUnit("1", "县"), OrgUnit("2", "乡", "1"),
        ...                             OrgUnit("3", "村", "2"), OrgUnit("4", "乡", "1")]))
        >>> import numpy as np
        >>> t.codes, t.up(np.array([1.0, 10.0, 100.0, 1000.0])).tolist()
        (['1', '2', '3', '4'], [1111.0, 110.0, 100.0, 1000.0])
        """
        import numpy as np

        summed = np.array(values, dtype=np.float64)
        for kids, parents, starts in self._levels:
            summed[parents] += np.add.reduceat(summed[kids], starts, axis=0)
        return summed

    def asked(self, orgs: Sequence[str]) -> tuple[list[str], Any]:
        """The units asked for that are in the tree, once each, and their places."""
        import numpy as np

        known = [o for o in dict.fromkeys(orgs) if o in self.place]
        return known, np.array([self.place[o] for o in known], dtype=np.int64)
