"""The org-unit hierarchy: county > township > village / community / enterprise."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class OrgUnit:
    """A node of the hierarchy. Codes are text: leading zeros are kept."""

    code: str
    name: str
    parent: str | None = None
    kind: str = ""


class OrgTreeError(ValueError):
    """The units do not form one tree (no root, two roots, a cycle, an unknown parent)."""


@dataclass
class OrgTree:
    """Org units with exactly one root and no cycles.

    >>> units = [OrgUnit("51", "县"), OrgUnit("5101", "乡", "51"), OrgUnit("510101", "村", "5101")]
    >>> t = OrgTree.build(units)
    >>> t.root.code, t.descendants("51"), t.ancestors("510101")
    ('51', ['5101', '510101'], ['5101', '51'])
    """

    units: Mapping[str, OrgUnit]
    root: OrgUnit
    _children: dict[str, list[str]] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, units: list[OrgUnit]) -> OrgTree:
        by_code: dict[str, OrgUnit] = {}
        for u in units:
            if u.code in by_code:
                raise OrgTreeError(f"代码「{u.code}」重复出现")
            by_code[u.code] = u
        roots = [u for u in units if not u.parent]
        if not roots:
            raise OrgTreeError("没有最上级单位（上级代码为空的单位），应恰好有一个")
        if len(roots) > 1:
            names = "、".join(f"{u.code} {u.name}" for u in roots)
            raise OrgTreeError(f"有 {len(roots)} 个最上级单位（{names}），应恰好有一个")
        children: dict[str, list[str]] = {u.code: [] for u in units}
        for u in units:
            if u.parent:
                if u.parent not in by_code:
                    raise OrgTreeError(f"单位「{u.code}」的上级代码「{u.parent}」不存在")
                children[u.parent].append(u.code)
        tree = cls(units=by_code, root=roots[0], _children=children)
        reached = {roots[0].code, *tree.descendants(roots[0].code)}
        if len(reached) != len(by_code):
            stuck = sorted(set(by_code) - reached)
            raise OrgTreeError(f"单位 {'、'.join(stuck)} 的上级关系构成循环")
        return tree

    def __contains__(self, code: object) -> bool:
        return code in self.units

    def __iter__(self) -> Iterator[OrgUnit]:
        return iter(self.units.values())

    def __len__(self) -> int:
        return len(self.units)

    def get(self, code: str) -> OrgUnit:
        return self.units[code]

    def children(self, code: str) -> list[OrgUnit]:
        return [self.units[c] for c in self._children.get(code, [])]

    def descendants(self, code: str) -> list[str]:
        """Codes below `code`, depth first, not including it."""
        out: list[str] = []
        stack = list(reversed(self._children.get(code, [])))
        while stack:
            c = stack.pop()
            out.append(c)
            stack.extend(reversed(self._children.get(c, [])))
        return out

    def ancestors(self, code: str) -> list[str]:
        """Codes above `code`, nearest first."""
        out: list[str] = []
        parent = self.units[code].parent
        while parent:
            out.append(parent)
            parent = self.units[parent].parent
        return out

    def closure(self) -> list[tuple[str, str]]:
        """Every (unit, ancestor-or-self) pair, the unit itself first.

        >>> t = OrgTree.build([OrgUnit("1", "县"), OrgUnit("2", "乡", "1")])
        >>> t.closure()
        [('1', '1'), ('2', '2'), ('2', '1')]
        """
        return [(u.code, a) for u in self for a in (u.code, *self.ancestors(u.code))]

    def is_leaf(self, code: str) -> bool:
        return not self._children.get(code)

    def depth(self, code: str) -> int:
        return len(self.ancestors(code))
