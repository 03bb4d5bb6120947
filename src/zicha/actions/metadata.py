"""DHIS2 metadata (`GET /api/metadata`, `/api/dataElements`, `/api/indicators`,
`/api/organisationUnits`): the pack's data elements and indicators and the caller's org units in
DHIS2's metadata JSON, so that a county that also runs DHIS2 can import them and map values.

Ids: DHIS2 identifies objects by an 11-character UID; zicha by codes. Each object gets a UID
made from its kind and code (`uid`), the same on every export and every server, and keeps its
zicha id as DHIS2's `code`. `dataValueSets` takes either (`POST`), and gives UIDs on request
(`GET …&idScheme=UID`), so values move to and from a DHIS2 that imported this metadata.

Indicators are written in DHIS2's expression language: `#{uid}` for a data element,
`#{uid}.periodOffset(-1)` for a stock's level at the period's start (the end of the period
before), `N{uid}` for another indicator, and DHIS2's functions for zicha's (`if`, `isNull`,
`firstNonNull`, `greatest`, `least`).
"""

from __future__ import annotations

import hashlib
import string
from collections.abc import Mapping
from typing import Any

from zicha.actions import county
from zicha.domain import expression as ex
from zicha.domain.pack import Pack
from zicha.storage import models as m

_ALPHA = string.ascii_letters
_ALNUM = string.ascii_letters + string.digits


def uid(kind: str, code: str) -> str:
    """A DHIS2 UID (a letter, then ten letters or digits) for a zicha object.

    >>> uid("dataElement", "births")
    'RGzv3EfSkJM'
    >>> len(uid("organisationUnit", "510001")), uid("organisationUnit", "510001")[0].isalpha()
    (11, True)
    """
    h = hashlib.sha256(f"zicha:{kind}:{code}".encode()).digest()
    return _ALPHA[h[0] % 52] + "".join(_ALNUM[b % 62] for b in h[1:11])


def element_ids(pack: Pack) -> dict[str, str]:
    """UID → element id, for every data element of the pack."""
    return {uid("dataElement", e): e for e in pack.elements}


def unit_ids(user: m.User) -> dict[str, str]:
    """UID → unit code, for the user's subtree."""
    return {
        uid("organisationUnit", c): c
        for c in county.visible_units(user).values_list("code", flat=True)
    }


def data_elements(pack: Pack) -> list[dict[str, Any]]:
    return [
        {
            "id": uid("dataElement", e.id),
            "code": e.id,
            "name": e.name,
            "shortName": e.name[:50],
            "description": e.description or e.name,
            "valueType": "NUMBER",
            "aggregationType": "LAST" if e.is_stock else "SUM",
            "domainType": "AGGREGATE",
            # a missing figure is not zero: zeros are kept as values
            "zeroIsSignificant": True,
        }
        for e in pack.elements.values()
    ]


def indicator_types(pack: Pack) -> list[dict[str, Any]]:
    factors = sorted({i.factor for i in pack.indicators.values()})
    return [
        {
            "id": uid("indicatorType", _num(f)),
            "name": f"系数 {_num(f)}",
            "factor": int(f) if float(f).is_integer() else f,
            "number": f == 1,
        }
        for f in factors
    ]


def indicators(pack: Pack) -> list[dict[str, Any]]:
    out = []
    for i in pack.indicators.values():
        out.append(
            {
                "id": uid("indicator", i.id),
                "code": i.id,
                "name": i.name,
                "shortName": i.name[:50],
                "description": i.description or i.name,
                "numerator": dhis2_expression(i.numerator, pack),
                "numeratorDescription": i.numerator,
                "denominator": dhis2_expression(i.denominator, pack) if i.denominator else "1",
                "denominatorDescription": i.denominator or "1",
                "indicatorType": {"id": uid("indicatorType", _num(i.factor))},
                "decimals": i.decimals,
                # zicha's rates are for the period itself, not annualized
                "annualized": False,
            }
        )
    return out


def organisation_units(user: m.User) -> list[dict[str, Any]]:
    units = list(
        county.visible_units(user).values_list("code", "name", "parent__code", "path", "kind")
    )
    seen = {code for code, *_ in units}
    by_pk: dict[str, str] = {}
    for code, _, _, path, _ in units:
        by_pk[path.rstrip("/").rsplit("/", 1)[-1]] = code
    out = []
    for code, name, parent, path, kind in units:
        trail = [by_pk[p] for p in path.strip("/").split("/") if p in by_pk]
        row: dict[str, Any] = {
            "id": uid("organisationUnit", code),
            "code": code,
            "name": name,
            "shortName": name[:50],
            "level": path.count("/"),
            "path": "/" + "/".join(uid("organisationUnit", c) for c in trail),
            "openingDate": "1970-01-01T00:00:00.000",
            "description": kind,
        }
        if parent and parent in seen:
            row["parent"] = {"id": uid("organisationUnit", parent)}
        out.append(row)
    return out


def metadata(user: m.User) -> dict[str, Any]:
    """The DHIS2 metadata document of the server's pack and the user's org units."""
    pack = county.server_pack()
    return {
        "system": {"id": f"zicha:{pack.id}", "version": "zicha"},
        "dataElements": data_elements(pack),
        "indicatorTypes": indicator_types(pack),
        "indicators": indicators(pack),
        "organisationUnits": organisation_units(user),
    }


def listing(user: m.User, key: str, page: int | None, size: int | None) -> dict[str, Any]:
    """One kind of metadata as DHIS2 lists it: `{"pager": …, key: [...]}` (`paging=false`:
    page and size None)."""
    pack = county.server_pack()
    rows = {
        "dataElements": lambda: data_elements(pack),
        "indicators": lambda: indicators(pack),
        "organisationUnits": lambda: organisation_units(user),
    }[key]()
    if page is None or size is None:
        return {key: rows}
    pages = max(1, -(-len(rows) // size))
    return {
        "pager": {"page": page, "pageCount": pages, "total": len(rows), "pageSize": size},
        key: rows[(page - 1) * size : page * size],
    }


_FUNCTIONS = {"min": "least", "max": "greatest", "coalesce": "firstNonNull", "is_null": "isNull"}
_LOGICAL = {"and": "&&", "or": "||"}


def dhis2_expression(text: str, pack: Pack) -> str:
    """A zicha expression in DHIS2's indicator expression language.

    >>> from zicha.packs.registry import get_pack
    >>> p = get_pack(None)
    >>> dhis2_expression("births - deaths", p) == (
    ...     f"#{{{uid('dataElement', 'births')}}} - #{{{uid('dataElement', 'deaths')}}}")
    True
    """
    return _print(ex.parse(text), pack, pack.derived)


def _print(node: ex.Node, pack: Pack, derived: Mapping[str, str]) -> str:
    def go(n: ex.Node) -> str:
        return _print(n, pack, derived)

    if isinstance(node, ex.Number):
        return _num(node.value)
    if isinstance(node, ex.Ref):
        if node.variant == "indicator":
            return f"N{{{uid('indicator', node.name)}}}"
        if node.name in derived:
            return f"({go(ex.parse(derived[node.name]))})"
        ref = f"#{{{uid('dataElement', node.name)}}}"
        return f"{ref}.periodOffset(-1)" if node.variant == "opening" else ref
    if isinstance(node, ex.Binary):
        return f"{_side(node.left, go)} {node.op} {_side(node.right, go)}"
    if isinstance(node, ex.Unary):
        return f"-{_side(node.operand, go)}"
    if isinstance(node, ex.Compare):
        return f"{go(node.left)} {node.op} {go(node.right)}"
    if isinstance(node, ex.Logical):
        return f"({go(node.left)} {_LOGICAL[node.op]} {go(node.right)})"
    if isinstance(node, ex.Not):
        return f"!({go(node.operand)})"
    if isinstance(node, ex.Call):
        args = [go(a) for a in node.args]
        if node.name == "sum":
            return "(" + " + ".join(args) + ")"
        if node.name == "abs":
            return f"if({args[0]} < 0, -({args[0]}), {args[0]})"
        return f"{_FUNCTIONS.get(node.name, node.name)}({', '.join(args)})"
    if isinstance(node, ex.Bool):
        return "true" if node.value else "false"
    if isinstance(node, ex.Null):
        return "null"
    return f'"{node.value}"'  # a string


def _side(node: ex.Node, go: Any) -> str:
    text = str(go(node))
    return f"({text})" if isinstance(node, ex.Binary | ex.Logical | ex.Compare) else text


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))
