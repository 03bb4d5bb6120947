"""Chance in figures counted from few events: exact 95 % intervals and what they allow one to say.

A township with 200 births and one infant death has an infant mortality rate of 5‰, and the
next year, with the same care, it may well have none or three. Counts of rare events vary by
chance; so does the split of a few hundred births into boys and girls. An indicator says how its
figure arises (`sampling`), and every statement about it (a plausibility rule, an outlier, a
comparison with a national goal, the report's sentence) is made on its interval:

- `poisson`: the numerator counts rare events (deaths) over a base (live births); the interval is
  Garwood's exact Poisson interval of the count, scaled like the figure;
- `share`: the numerator is a part of the denominator (timely registrations of all births); the
  interval is the Clopper–Pearson exact binomial interval of the share;
- `parts`: numerator and denominator are the two parts of a whole (boys and girls); the interval
  is Clopper–Pearson's for the first part's share, mapped onto the ratio.

Pure Python (regularized incomplete gamma and beta functions, Newton's method from the normal
approximation, bisection as its safeguard): no statistics library is needed, and the figures
match published tables to the digits shown.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from statistics import NormalDist
from typing import Literal

from zicha.domain.pack import Indicator
from zicha.domain.result import Interval
from zicha.domain.target import Bound

LEVEL = 0.95
_EPS = 1e-15
_TINY = 1e-300
_ITERATIONS = 500


# ------------------------------------------------------------------ special functions


def _gamma_series(a: float, x: float) -> float:
    """P(a, x) by its power series (good for x < a + 1)."""
    term = 1.0 / a
    total = term
    ap = a
    for _ in range(_ITERATIONS):
        ap += 1.0
        term *= x / ap
        total += term
        if abs(term) < abs(total) * _EPS:
            break
    return total * math.exp(-x + a * math.log(x) - math.lgamma(a))


def _lentz(d: float, c: float, numerator: float, denominator: float) -> tuple[float, float]:
    """One step of Lentz's method for a continued fraction: the next D (inverted) and C."""
    d = denominator + numerator * d
    d = _TINY if abs(d) < _TINY else d
    c = denominator + numerator / c
    c = _TINY if abs(c) < _TINY else c
    return 1.0 / d, c


def _gamma_fraction(a: float, x: float) -> float:
    """Q(a, x) = 1 − P(a, x) by Lentz's continued fraction (good for x ≥ a + 1)."""
    b = x + 1.0 - a
    c = 1.0 / _TINY
    d = 1.0 / b
    h = d
    for i in range(1, _ITERATIONS):
        b += 2.0
        d, c = _lentz(d, c, -i * (i - a), b)
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < _EPS:
            break
    return math.exp(-x + a * math.log(x) - math.lgamma(a)) * h


def gamma_p(a: float, x: float) -> float:
    """The regularized lower incomplete gamma function P(a, x), a > 0.

    For a whole number k ≥ 1, P(k, μ) is the chance of at least k events when μ are expected.

    >>> round(gamma_p(1.0, 1.0), 10) == round(1 - math.exp(-1), 10)
    True
    """
    if x <= 0:
        return 0.0
    if x < a + 1.0:
        return _gamma_series(a, x)
    return 1.0 - _gamma_fraction(a, x)


def _beta_fraction(x: float, a: float, b: float) -> float:
    """The continued fraction of the incomplete beta function (Lentz)."""
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c = 1.0
    d = 1.0 - qab * x / qap
    d = _TINY if abs(d) < _TINY else d
    d = 1.0 / d
    h = d
    for m in range(1, _ITERATIONS):
        m2 = 2 * m
        d, c = _lentz(d, c, m * (b - m) * x / ((qam + m2) * (a + m2)), 1.0)
        h *= d * c
        d, c = _lentz(d, c, -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)), 1.0)
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < _EPS:
            break
    return h


def beta_i(x: float, a: float, b: float) -> float:
    """The regularized incomplete beta function I_x(a, b), a, b > 0.

    For whole numbers, I_p(k, n − k + 1) is the chance of at least k successes in n trials.

    >>> round(beta_i(0.5, 1.0, 1.0), 12), round(beta_i(0.3, 2.0, 2.0), 12)
    (0.5, 0.216)
    """
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    front = math.exp(
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _beta_fraction(x, a, b) / a
    return 1.0 - front * _beta_fraction(1.0 - x, b, a) / b


def _solve_increasing(
    f: float,
    g: Callable[[float], float],
    dg: Callable[[float], float],
    low: float,
    high: float,
    start: float,
) -> float:
    """The x in [low, high] where the increasing function g reaches f: Newton's method from a
    good start (g's derivative dg), falling back to bisection whenever a step leaves the bracket.
    """
    x = min(max(start, low), high)
    for _ in range(200):
        gx = g(x) - f
        if gx < 0:
            low = x
        else:
            high = x
        slope = dg(x)
        step = gx / slope if slope > 0 else math.inf
        nxt = x - step
        if not low < nxt < high:
            nxt = (low + high) / 2
        if abs(nxt - x) <= 1e-13 * max(1.0, abs(x)) or high - low <= 1e-13 * max(1.0, high):
            return nxt
        x = nxt
    return x


def _gamma_density(a: float, x: float) -> float:
    """d/dx P(a, x)."""
    if x <= 0:
        return 0.0
    return math.exp((a - 1.0) * math.log(x) - x - math.lgamma(a))


def _beta_density(x: float, a: float, b: float) -> float:
    """d/dx I_x(a, b)."""
    if x <= 0 or x >= 1:
        return 0.0
    log_beta = math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)
    return math.exp((a - 1.0) * math.log(x) + (b - 1.0) * math.log1p(-x) - log_beta)


# ------------------------------------------------------------------ exact intervals


def poisson_interval(k: float, level: float = LEVEL) -> tuple[float, float]:
    """Garwood's exact interval for the expected count behind an observed count k.

    >>> [round(x, 4) for x in poisson_interval(0)], [round(x, 4) for x in poisson_interval(1)]
    ([0.0, 3.6889], [0.0253, 5.5716])
    """
    tail = (1.0 - level) / 2
    z = NormalDist().inv_cdf(1.0 - tail)
    top = k + 20.0 * math.sqrt(k + 1.0) + 20.0
    low = 0.0
    if k > 0:
        # P(X >= k; mu) = P(k, mu) grows with mu: solve P(k, mu) = tail
        low = _solve_increasing(
            tail,
            lambda mu: gamma_p(k, mu),
            lambda mu: _gamma_density(k, mu),
            0.0,
            top,
            max(k - z * math.sqrt(k), k / 10),
        )
    # P(X <= k; mu) = 1 - P(k + 1, mu) falls as mu grows: solve P(k + 1, mu) = 1 - tail
    high = _solve_increasing(
        1.0 - tail,
        lambda mu: gamma_p(k + 1.0, mu),
        lambda mu: _gamma_density(k + 1.0, mu),
        0.0,
        top,
        k + 1.0 + z * math.sqrt(k + 1.0),
    )
    return low, high


def _wilson(k: float, n: float, z: float) -> tuple[float, float]:
    """Wilson's score interval: a close start for the exact one."""
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def binomial_interval(k: float, n: float, level: float = LEVEL) -> tuple[float, float]:
    """Clopper and Pearson's exact interval for a share: k successes in n trials.

    >>> [round(x, 4) for x in binomial_interval(1, 10)]
    [0.0025, 0.445]
    """
    tail = (1.0 - level) / 2
    start_low, start_high = _wilson(k, n, NormalDist().inv_cdf(1.0 - tail))
    low = 0.0
    if k > 0:
        # P(X >= k; p) = I_p(k, n - k + 1) grows with p
        a, b = k, n - k + 1.0
        low = _solve_increasing(
            tail,
            lambda p: beta_i(p, a, b),
            lambda p: _beta_density(p, a, b),
            0.0,
            1.0,
            start_low,
        )
    high = 1.0
    if k < n:
        # P(X <= k; p) = 1 - I_p(k + 1, n - k) falls as p grows
        c, d = k + 1.0, n - k
        high = _solve_increasing(
            1.0 - tail,
            lambda p: beta_i(p, c, d),
            lambda p: _beta_density(p, c, d),
            0.0,
            1.0,
            start_high,
        )
    return low, high


def indicator_interval(
    indicator: Indicator, numerator: float | None, denominator: float | None, level: float = LEVEL
) -> Interval | None:
    """The exact interval of an indicator's figure, by how the indicator says it arises.

    None when the indicator declares no `sampling`, when a part is missing, or when the figure
    cannot be computed (a zero denominator) or the counts cannot be a sample (a negative count,
    a part larger than its whole).

    >>> imr = Indicator("imr", "婴儿死亡率", "‰", "infant_deaths", "births", 1000, 2, "ratio",
    ...                 sampling="poisson", small_sample=20)
    >>> i = indicator_interval(imr, 1.0, 200.0)
    >>> round(i.low, 3), round(i.high, 2), i.events
    (0.127, 27.86, 1.0)
    """
    kind = indicator.sampling
    if kind is None or numerator is None or denominator is None:
        return None
    if numerator < 0 or denominator <= 0:
        return None
    scale = indicator.factor
    if kind == "poisson":
        low, high = poisson_interval(numerator, level)
        return Interval(low * scale / denominator, high * scale / denominator, numerator, level)
    if kind == "share":
        if numerator > denominator:
            return None
        low, high = binomial_interval(numerator, denominator, level)
        return Interval(low * scale, high * scale, denominator, level)
    n = numerator + denominator  # parts: the first part's share p maps onto p / (1 − p)
    low, high = binomial_interval(numerator, n, level)
    return Interval(scale * low / (1 - low), scale * high / (1 - high), n, level)


def within_chance(
    indicator: Indicator,
    op: str,
    numerator: float | None,
    denominator: float | None,
    bound: float,
    level: float = LEVEL,
) -> bool:
    """A shortcut of `beyond_chance` for counts of two kinds (`parts`, `share`): True when chance
    surely explains the breach of `figure op bound`, because the probability of exactly the
    observed count, were the figure at the bound, already reaches the interval's tail. (The
    tail holds that count, so the whole interval cannot lie beyond the bound.) False means: ask
    the interval.

    >>> srb = Indicator("srb", "性别比", "", "m", "f", 100, 1, "ratio", sampling="parts")
    >>> within_chance(srb, "<=", 3, 1, 107, 0.999), within_chance(srb, "<=", 1130, 870, 107)
    (True, False)
    """
    kind = indicator.sampling
    if kind not in ("parts", "share") or numerator is None or denominator is None:
        return False
    k = numerator
    n = numerator + denominator if kind == "parts" else denominator
    if k < 0 or n <= 0 or k > n or not float(k).is_integer() or not float(n).is_integer():
        return False
    share = bound / (bound + indicator.factor) if kind == "parts" else bound / indicator.factor
    if not 0 < share < 1 or op not in ("<=", "<", ">=", ">"):
        return False
    log_pmf = (
        math.lgamma(n + 1)
        - math.lgamma(k + 1)
        - math.lgamma(n - k + 1)
        + k * math.log(share)
        + (n - k) * math.log1p(-share)
    )
    tail = (1.0 - level) / 2
    return log_pmf > math.log(tail) + 1e-9


def is_small(indicator: Indicator, interval: Interval | None) -> bool:
    """Whether the figure rests on fewer events (or trials) than the indicator's `small_sample`."""
    return (
        interval is not None
        and indicator.small_sample is not None
        and interval.events < indicator.small_sample
    )


def beyond_chance(op: str, interval: Interval, right: float, tolerance: float = 0.0) -> bool:
    """Whether `figure op right` fails for every figure in the interval (so chance alone does
    not explain the breach).

    >>> beyond_chance("<=", Interval(0.13, 27.9, 1.0), 30.0)
    False
    >>> beyond_chance("<=", Interval(31.2, 60.0, 40.0), 30.0)
    True
    """
    if op == "<=":
        return interval.low > right + tolerance
    if op == "<":
        return interval.low >= right + tolerance
    if op == ">=":
        return interval.high + tolerance < right
    if op == ">":
        return interval.high + tolerance <= right
    if op in ("==", "="):
        return interval.high < right - tolerance or interval.low > right + tolerance
    return False


Verdict = Literal["met", "missed", "above", "below", "equal", "chance"]


def against_bound(bound: Bound, value: float, interval: Interval | None) -> Verdict:
    """A figure against a goal: met, missed, or (its interval reaching both sides) chance.

    >>> against_bound(Bound("<=", 5.0), 4.88, Interval(0.12, 27.2, 1.0))
    'chance'
    >>> against_bound(Bound("<=", 5.0), 4.88, None)
    'met'
    """
    if interval is None:
        return "met" if bound.satisfied(value) else "missed"
    ends = (bound.satisfied(interval.low), bound.satisfied(interval.high))
    if bound.op == "range":
        inside = ends == (True, True)
        clear = interval.high < (bound.low or 0.0) or interval.low > (bound.high or 0.0)
        return "met" if inside else "missed" if clear else "chance"
    if ends == (True, True):
        return "met"
    if ends == (False, False):
        return "missed"
    return "chance"


def against_level(level: float, value: float, interval: Interval | None) -> Verdict:
    """A figure against a reference level (a national rate): above, below, equal, or chance.

    >>> against_level(4.0, 4.88, Interval(0.12, 27.2, 1.0)), against_level(4.0, 4.88, None)
    ('chance', 'above')
    """
    if interval is not None:
        if interval.low > level:
            return "above"
        if interval.high < level:
            return "below"
        return "chance"
    if math.isclose(value, level, rel_tol=1e-9, abs_tol=1e-12):
        return "equal"
    return "above" if value > level else "below"
