"""Showing numbers: rounding happens here, for display only, never before a comparison."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def round_half_up(x: float, decimals: int) -> Decimal:
    """Round as people do on paper (0.5 up), on the decimal text of the float.

    >>> round_half_up(85.405, 2), round_half_up(2.5, 0)
    (Decimal('85.41'), Decimal('3'))
    """
    quantum = Decimal(1).scaleb(-decimals)
    return Decimal(repr(x)).quantize(quantum, rounding=ROUND_HALF_UP)


def fmt(x: float | None, decimals: int = 0, missing: str = "—") -> str:
    """A number with the given decimals; integers lose no zeros they need.

    >>> fmt(85.41237, 2), fmt(233.0), fmt(None), fmt(-0.0001, 2)
    ('85.41', '233', '—', '0.00')
    """
    if x is None:
        return missing
    text = str(round_half_up(x, decimals))
    if text.startswith("-") and set(text[1:]) <= {"0", "."}:
        text = text[1:]
    return text


def typed_decimals(x: float) -> int:
    """How many decimals a figure was written with (as far as its float shows).

    >>> typed_decimals(6.55), typed_decimals(106.0), typed_decimals(85.4)
    (2, 0, 1)
    """
    exponent = Decimal(repr(x)).normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


def fmt_trim(x: float | None, decimals: int = 2, missing: str = "—") -> str:
    """Like `fmt`, without trailing zeros: for figures quoted in messages.

    >>> fmt_trim(580.0), fmt_trim(3.87934), fmt_trim(31.6)
    ('580', '3.88', '31.6')
    """
    text = fmt(x, decimals, missing)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def plain(x: float | None) -> str:
    """A number as a person writes it into a cell: every digit it has, no trailing ".0", ""
    when missing (for targets and method items, not for rounded figures).

    >>> plain(510.0), plain(0.1), plain(31.64), plain(None)
    ('510', '0.1', '31.64', '')
    """
    if x is None:
        return ""
    return str(int(x)) if float(x).is_integer() else repr(float(x))
