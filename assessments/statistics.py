"""How well the questionnaire measures, and how people answered it: plain arrays in, no ORM.

Everything here works on numpy arrays of stored answers (one row a
submission, one column a statement, 1..5 and 0 where not answered) and
returns small frozen dataclasses, so the admin's statistics page and the
results page's norms can be computed from a query's values without this
module knowing about the database.

Conventions, so that no statistic ever divides by zero:

- a statistic that is not defined for the data (fewer than two people, fewer
  than two items, nobody varied) is `None` where it is one number, and `nan`
  inside a numpy array of several (one per item);
- variances and standard deviations are sample ones (divided by n - 1);
- reliability statistics are computed on the items "pointing the same way":
  a reverse-keyed answer is recoded 6 - value, so that a higher number always
  leans towards "may wear on you", as in `assessments.scoring`.

References (each function names the one it follows):

- Cronbach, L. J. (1951). Coefficient alpha and the internal structure of
  tests. Psychometrika, 16(3), 297-334.
- Feldt, L. S. (1965). The approximate sampling distribution of
  Kuder-Richardson reliability coefficient twenty. Psychometrika, 30(3),
  357-370; Feldt, L. S., Woodruff, D. J. & Salih, F. A. (1987). Statistical
  inference for coefficient alpha. Applied Psychological Measurement, 11(1),
  93-103.
- McDonald, R. P. (1999). Test theory: A unified treatment. Erlbaum
  (omega from the one-factor model).
- Harman, H. H. (1976). Modern factor analysis, 3rd ed. University of
  Chicago Press (the principal factor solution with iterated communalities).
- Nunnally, J. C. & Bernstein, I. H. (1994). Psychometric theory, 3rd ed.
  McGraw-Hill (alpha of 0.70, item-total correlation of 0.30).
- Crocker, L. & Algina, J. (1986). Introduction to classical and modern test
  theory. Holt, Rinehart and Winston (percentile ranks).
- Press, W. H. et al. (2007). Numerical Recipes, 3rd ed., section 6.4 (the
  incomplete beta function by its continued fraction).
"""

from __future__ import annotations

import datetime
import itertools
import math
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from .scoring import (
    CONTRADICTION_LEAN,
    DEFAULT_SOME_SIGNS_FROM,
    DEFAULT_STRONG_SIGNS_FROM,
    FORWARD,
    MIN_LEANING_ANSWERS,
    NEUTRAL,
    REVERSE,
    Band,
)

SCALE_VALUES = (1, 2, 3, 4, 5)
LOWEST_SCORE, HIGHEST_SCORE = -100, 100
SCORE_COUNT = HIGHEST_SCORE - LOWEST_SCORE + 1  # 201 possible reason scores
HISTOGRAM_WIDTH = 10  # 20 bins over -100..100
# Fewer people than this and a percentile says more about chance than about people.
MIN_NORM_GROUP = 100
# Rules of thumb: below these, a reason's statements may not measure one thing
# (Nunnally & Bernstein 1994).
ALPHA_FLOOR = 0.70
ITEM_TOTAL_FLOOR = 0.30
# A communality is kept below 1 in factoring: an item cannot be all common factor
# (a Heywood case). The bound factor_analyzer puts on uniquenesses by default (>= 0.005).
MAX_COMMUNALITY = 0.995
FACTOR_TOLERANCE = 1e-10
FACTOR_MAX_ITERATIONS = 10_000


class StatementLike(Protocol):
    """What the statistics need of a statement, as `FrozenStatement` has it."""

    key: str
    position: int
    direction: str
    weight: int


# Answers -------------------------------------------------------------------


def answer_array(answers: Sequence[str], count: int) -> np.ndarray:
    """Return stored answer strings as an (n x count) int8 array, 0 where not answered.

    A string shorter than `count` is read with its missing digits unanswered,
    as `decode_answers` reads it; digits beyond `count` are ignored.
    """
    fixed = [text if len(text) == count else text[:count].ljust(count, "0") for text in answers]
    digits = np.frombuffer("".join(fixed).encode("ascii"), dtype=np.uint8)
    values = (digits.reshape(len(fixed), count) - ord("0")).astype(np.int8)
    if values.size and (values.min() < 0 or values.max() > 5):
        raise ValueError("A stored answer must be a digit from 0 to 5.")
    return values


def item_matrix(
    answers: Sequence[str] | np.ndarray, positions: Sequence[int], directions: Sequence[str]
) -> np.ndarray:
    """Return the (n x k) item scores of k statements, all pointing towards "may wear on you".

    `answers` is either the stored strings or an array from `answer_array`.
    A reverse-keyed answer is recoded 6 - value (1 <-> 5, 2 <-> 4), so that
    every column rises with the lean towards "may wear on you". Rows with any
    of the k statements unanswered are dropped (listwise deletion): each
    statistic on the matrix then describes the same people.
    """
    if len(positions) != len(directions):
        raise ValueError("Each statement needs a direction.")
    reverse = keying(directions) < 0
    if not isinstance(answers, np.ndarray):
        answers = answer_array(answers, max(positions, default=-1) + 1)
    raw = answers[:, list(positions)].astype(np.float64)
    raw = raw[(raw > 0).all(axis=1)]
    raw[:, reverse] = 6 - raw[:, reverse]
    return raw


def keying(directions: Sequence[str]) -> np.ndarray:
    """Return +1 for each forward-keyed statement and -1 for each reverse-keyed one."""
    unknown = set(directions) - {FORWARD, REVERSE}
    if unknown:
        raise ValueError(f"Unknown direction {sorted(unknown)[0]!r}.")
    return np.array([1 if direction == FORWARD else -1 for direction in directions], dtype=np.int32)


# Reliability ---------------------------------------------------------------


def covariance(X: np.ndarray) -> np.ndarray | None:
    """Return the (k x k) sample covariance matrix of the items, or None for fewer than 2 rows."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] < 2:
        return None
    deviations = X - X.mean(axis=0)
    return deviations.T @ deviations / (X.shape[0] - 1)


def cronbach_alpha(X: np.ndarray) -> float | None:
    """Return Cronbach's alpha of the (n x k) item matrix (Cronbach 1951).

    alpha = k / (k - 1) * (1 - sum of the item variances / variance of the total),
    sample variances throughout. None when it is not defined: fewer than 2
    rows, fewer than 2 items, or a total that never varies.
    """
    C = covariance(X)
    return None if C is None else _alpha(C)


def _alpha(C: np.ndarray) -> float | None:
    k = C.shape[0]
    total = C.sum()
    if k < 2 or total <= 0:
        return None
    return float(k / (k - 1) * (1 - np.trace(C) / total))


@dataclass(frozen=True)
class Interval:
    low: float
    high: float
    level: float


def alpha_ci(alpha: float | None, n: int, k: int, level: float = 0.95) -> Interval | None:
    """Return Feldt's confidence interval for a Cronbach's alpha from n people and k items.

    Feldt (1965): (1 - alpha) / (1 - sample alpha) follows an F distribution
    with n - 1 and (n - 1)(k - 1) degrees of freedom, so with g = 1 - level

        low  = 1 - (1 - alpha) * F(1 - g/2; n - 1, (n - 1)(k - 1))
        high = 1 - (1 - alpha) * F(g/2;     n - 1, (n - 1)(k - 1))

    where F(p; d1, d2) is the F distribution's p quantile (`f_quantile`).
    None when alpha is None or there are fewer than 2 people or items.
    """
    if alpha is None or n < 2 or k < 2:
        return None
    if not 0 < level < 1:
        raise ValueError("A confidence level is between 0 and 1.")
    df1, df2 = n - 1, (n - 1) * (k - 1)
    tail = (1 - level) / 2
    return Interval(
        low=1 - (1 - alpha) * f_quantile(1 - tail, df1, df2),
        high=1 - (1 - alpha) * f_quantile(tail, df1, df2),
        level=level,
    )


def alpha_if_deleted(X: np.ndarray) -> np.ndarray:
    """Return, for each of the k items, Cronbach's alpha of the other k - 1 items.

    nan where that alpha is not defined (fewer than 2 rows, fewer than 3
    items, or the other items' total never varies).
    """
    C = covariance(X)
    k = np.asarray(X).shape[1] if np.ndim(X) == 2 else 0
    result = np.full(k, np.nan)
    if C is None or k < 3:
        return result
    rows = C.sum(axis=1)
    for i in range(k):
        total = C.sum() - 2 * rows[i] + C[i, i]
        if total > 0:
            result[i] = (k - 1) / (k - 2) * (1 - (np.trace(C) - C[i, i]) / total)
    return result


def corrected_item_total(X: np.ndarray) -> np.ndarray:
    """Return each item's Pearson correlation with the sum of the OTHER items.

    The "corrected" item-total correlation (Nunnally & Bernstein 1994): the
    item is left out of the total, so it does not correlate with itself.
    r_i = cov(x_i, T - x_i) / sqrt(var(x_i) * var(T - x_i)). nan where an
    item or the rest never varies, for fewer than 2 rows or 2 items.
    """
    C = covariance(X)
    k = np.asarray(X).shape[1] if np.ndim(X) == 2 else 0
    result = np.full(k, np.nan)
    if C is None or k < 2:
        return result
    rows = C.sum(axis=1)
    for i in range(k):
        rest = C.sum() - 2 * rows[i] + C[i, i]
        if C[i, i] > 0 and rest > 0:
            result[i] = (rows[i] - C[i, i]) / math.sqrt(C[i, i] * rest)
    return result


@dataclass(frozen=True)
class Omega:
    """McDonald's omega total and the one-factor model it was read from."""

    omega: float
    loadings: tuple[float, ...]
    uniquenesses: tuple[float, ...]
    iterations: int
    converged: bool
    heywood: bool  # some communality reached MAX_COMMUNALITY and was held there


def mcdonald_omega(X: np.ndarray) -> Omega | None:
    """Return McDonald's omega total of the (n x k) item matrix, from one factor.

    The factor is fitted to the items' correlation matrix (so this is the
    omega of the standardised items), see `omega_from_correlations`. None for
    fewer than 3 items (one factor of two items is not identified), fewer
    than 2 rows, or an item that never varies (its correlations are undefined).
    """
    C = covariance(X)
    if C is None or C.shape[0] < 3 or (np.diag(C) <= 0).any():
        return None
    sd = np.sqrt(np.diag(C))
    return omega_from_correlations(C / np.outer(sd, sd))


def omega_from_correlations(R: np.ndarray) -> Omega | None:
    """Return omega total of items with correlation matrix R, by iterated principal axes.

    One-factor model: each standardised item = loading * factor + unique
    part. The loadings are fitted by iterated principal-axis factoring
    (Harman 1976): start from the squared multiple correlations as
    communalities, put the communalities on R's diagonal, take the first
    eigenvector v and eigenvalue e of that reduced matrix, loadings = v *
    sqrt(e), new communalities = loadings squared; repeat until no
    communality moves by more than FACTOR_TOLERANCE. At convergence this is
    the unweighted least squares (minres) solution. A communality that would
    reach 1 or more (a Heywood case) is held at MAX_COMMUNALITY.

    omega = (sum of loadings)^2 / ((sum of loadings)^2 + sum of uniquenesses),
    uniqueness = 1 - communality (McDonald 1999). None for fewer
    than 3 items or a matrix that is not finite.
    """
    R = np.asarray(R, dtype=np.float64)
    k = R.shape[0]
    if k < 3 or not np.isfinite(R).all():
        return None
    communalities = _starting_communalities(R)
    heywood = converged = False
    iterations = 0
    while not converged and iterations < FACTOR_MAX_ITERATIONS:
        iterations += 1
        reduced = R.copy()
        np.fill_diagonal(reduced, communalities)
        values, vectors = np.linalg.eigh(reduced)
        squared = vectors[:, -1] ** 2 * max(values[-1], 0.0)
        heywood = bool((squared > MAX_COMMUNALITY).any())
        updated = np.minimum(squared, MAX_COMMUNALITY)
        change = np.abs(updated - communalities).max()
        communalities = updated
        converged = bool(change < FACTOR_TOLERANCE)
    # An eigenvector's sign is arbitrary: turn the factor so the loadings sum positive.
    loadings = np.sign(vectors[:, -1]) * np.sqrt(communalities)
    if loadings.sum() < 0:
        loadings = -loadings
    uniquenesses = 1 - communalities
    common = loadings.sum() ** 2
    return Omega(
        omega=float(common / (common + uniquenesses.sum())),
        loadings=tuple(float(value) for value in loadings),
        uniquenesses=tuple(float(value) for value in uniquenesses),
        iterations=iterations,
        converged=converged,
        heywood=heywood,
    )


def _starting_communalities(R: np.ndarray) -> np.ndarray:
    """Return squared multiple correlations, 1 - 1 / diag(R^-1); the largest |r| if R is singular."""
    try:
        smc = 1 - 1 / np.diag(np.linalg.inv(R))
    except np.linalg.LinAlgError:
        smc = np.full(R.shape[0], np.nan)
    if not np.isfinite(smc).all() or (smc < 0).any() or (smc > 1).any():
        smc = np.abs(R - np.diag(np.diag(R))).max(axis=1)
    return np.clip(smc, 0.0, MAX_COMMUNALITY)


# The F distribution, for Feldt's interval: numpy has no quantile function for it.


def regularized_beta(x: float, a: float, b: float) -> float:
    """Return the regularized incomplete beta function I_x(a, b), 0 <= x <= 1.

    I_x(a, b) = x^a (1 - x)^b / (a B(a, b)) * (continued fraction), the
    fraction evaluated by the modified Lentz method, on the side of
    (a + 1) / (a + b + 2) where it converges quickly, using
    I_x(a, b) = 1 - I_(1-x)(b, a) on the other (Numerical Recipes, 6.4).
    """
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    front = math.exp(
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    if x < (a + 1) / (a + b + 2):
        return front * _beta_fraction(x, a, b) / a
    return 1 - front * _beta_fraction(1 - x, b, a) / b


def _beta_fraction(x: float, a: float, b: float) -> float:
    tiny = 1e-300
    c, d = 1.0, 1 - (a + b) * x / (a + 1)
    d = 1 / (d if abs(d) > tiny else tiny)
    fraction = d
    # About sqrt(max(a, b)) terms are needed (Numerical Recipes); this leaves ample room.
    for m in range(1, 1000 + 20 * int(math.sqrt(max(a, b)))):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1 + numerator * d
            d = 1 / (d if abs(d) > tiny else tiny)
            c = 1 + numerator / c
            c = c if abs(c) > tiny else tiny
            fraction *= d * c
        if abs(d * c - 1) < 1e-15:
            return fraction
    raise ArithmeticError(f"The incomplete beta fraction did not converge for {x}, {a}, {b}.")


def f_quantile(p: float, df1: float, df2: float) -> float:
    """Return the p quantile of the F distribution with df1 and df2 degrees of freedom.

    P(F <= x) = I_y(df1/2, df2/2) with y = df1 x / (df1 x + df2), so
    x = df2 y / (df1 (1 - y)). Below the median y is found directly; above
    it 1 - y, from I_(1-y)(df2/2, df1/2) = 1 - p, so that a y close to 1 keeps
    its precision.
    """
    if not 0 < p < 1:
        raise ValueError("A quantile's probability is between 0 and 1.")
    if df1 <= 0 or df2 <= 0:
        raise ValueError("Degrees of freedom are positive.")
    if p <= 0.5:
        y = _beta_quantile(p, df1 / 2, df2 / 2)
        return df2 * y / (df1 * (1 - y))
    z = _beta_quantile(1 - p, df2 / 2, df1 / 2)
    return df2 * (1 - z) / (df1 * z)


def _beta_quantile(p: float, a: float, b: float) -> float:
    """Return the y with I_y(a, b) = p, by Newton's method kept inside a bracket.

    Each step evaluates the incomplete beta function once, which costs about
    sqrt(max(a, b)) terms: with a hundred thousand people, a millisecond.
    Newton's steps, using the beta density as the derivative, need a handful
    of them where bisection needs fifty; a step that would leave the bracket
    known to hold y bisects it instead, so the search cannot diverge. It ends
    when a step no longer changes y in its last bits.
    """
    log_beta = math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)
    low, high = 0.0, 1.0
    y = a / (a + b)  # the mean: where the mass is
    while True:
        error = regularized_beta(y, a, b) - p
        if error < 0:
            low = y
        else:
            high = y
        density = math.exp((a - 1) * math.log(y) + (b - 1) * math.log1p(-y) - log_beta)
        following = y - error / density if density > 0 else math.nan
        if not low < following < high:
            following = (low + high) / 2
        if following in (low, high) or abs(following - y) <= 1e-15 * y:
            return following
        y = following


# Answers and scores --------------------------------------------------------


@dataclass(frozen=True)
class StatementStats:
    """How one statement was answered, on the values given (not recoded)."""

    key: str
    answered: int
    counts: tuple[int, ...]  # people who answered 1, 2, 3, 4, 5
    mean: float | None  # None when nobody answered
    sd: float | None  # None for fewer than 2 answers
    neutral_share: float | None  # answers of 3 among those given; None when nobody answered


def statement_stats(values: np.ndarray, key: str = "") -> StatementStats:
    """Return the distribution, mean, sample SD and share of neutral answers of one statement.

    `values` are its stored answers (1..5); unanswered ones (0) are left out.
    """
    counts = np.bincount(np.asarray(values, dtype=np.int64).ravel(), minlength=6)[1:6]
    answered = int(counts.sum())
    mean = sd = neutral = None
    if answered:
        scale = np.array(SCALE_VALUES, dtype=np.float64)
        mean = float(counts @ scale / answered)
        neutral = float(counts[NEUTRAL - 1] / answered)
        if answered > 1:
            sd = math.sqrt(float(counts @ (scale - mean) ** 2) / (answered - 1))
    return StatementStats(
        key=key,
        answered=answered,
        counts=tuple(int(count) for count in counts),
        mean=mean,
        sd=sd,
        neutral_share=neutral,
    )


def reason_scores(
    values: np.ndarray, directions: Sequence[str], weights: Sequence[int]
) -> np.ndarray:
    """Return each row's reason score, -100..+100, exactly as `scoring.reason_score` gives it.

    `values` is the (n x k) array of the reason's stored answers, 0 where
    not answered; unanswered and unweighted statements are left out. With
    d = value - 3 (forward) or 3 - value (reverse), the score is
    100 * sum(w * d / 2) / sum(w), rounded half away from zero, computed in
    integers: floor((100 |S| + W) / (2 W)) with the sign of S = sum(w d),
    W = sum(w). A row with nothing answered scores 0, as `reason_score` does.
    """
    values = np.asarray(values, dtype=np.int32)
    sign = keying(directions)
    weight = np.maximum(np.asarray(weights, dtype=np.int32), 0) * (values > 0)
    leaning = ((values - NEUTRAL) * sign * weight).sum(axis=1)
    total = weight.sum(axis=1)
    safe = np.maximum(total, 1)
    size = (100 * np.abs(leaning) + safe) // (2 * safe)
    return np.where(total > 0, np.sign(leaning) * size, 0)


def reason_bands(
    values: np.ndarray,
    directions: Sequence[str],
    weights: Sequence[int],
    some_signs_from: int = DEFAULT_SOME_SIGNS_FROM,
    strong_signs_from: int = DEFAULT_STRONG_SIGNS_FROM,
) -> np.ndarray:
    """Return each row's band (a `scoring.Band` value), exactly as `scoring.score_reason` reads it.

    `values` is the (n x k) array of the reason's stored answers, 0 where not
    answered; unanswered and unweighted statements are left out, as there.
    With the lean in half steps, d = value - 3 (forward) or 3 - value
    (reverse): "not enough to tell" where the forward-keyed answers' mean d
    and the reverse-keyed ones' have opposite signs and are each at least
    2 * CONTRADICTION_LEAN from 0 (`scoring.is_contradictory`); otherwise
    `scoring.band_for` of the row's score, with the answers counted that
    lean each way (d > 0 towards "may wear on you", d < 0 towards "fits you").
    """
    values = np.asarray(values, dtype=np.int32)
    sign = keying(directions)
    used = (values > 0) & (np.asarray(weights, dtype=np.int32) > 0)
    leaning = (values - NEUTRAL) * sign * used
    towards = (leaning > 0).sum(axis=1)
    against = (leaning < 0).sum(axis=1)
    scores = reason_scores(values, directions, weights)
    bands = np.full(len(values), int(Band.NO_LEAN), dtype=np.int64)
    some = (scores >= some_signs_from) & (towards >= MIN_LEANING_ANSWERS)
    fits = ~some & (scores <= -some_signs_from) & (against >= MIN_LEANING_ANSWERS)
    bands[some] = np.where(scores[some] >= strong_signs_from, int(Band.STRONG), int(Band.SOME))
    bands[fits] = int(Band.FITS)
    sums, counts = [], []
    for keyed in (sign > 0, sign < 0):
        sums.append((leaning * keyed).sum(axis=1))
        counts.append((used & keyed).sum(axis=1))
    # |mean lean| >= CONTRADICTION_LEAN, the lean being d / 2: |sum of d| >= 2 * lean * count.
    far = [
        np.abs(total) >= 2 * CONTRADICTION_LEAN * count
        for total, count in zip(sums, counts, strict=True)
    ]
    contradictory = (counts[0] > 0) & (counts[1] > 0) & (sums[0] * sums[1] < 0) & far[0] & far[1]
    bands[contradictory] = int(Band.UNCLEAR)
    return bands


def score_counts(scores: np.ndarray) -> np.ndarray:
    """Return how many people have each score, as 201 counts for -100..+100.

    What the results page's norms are read from (`percentile_below`).
    """
    scores = np.asarray(scores, dtype=np.int64)
    if scores.size and (scores.min() < LOWEST_SCORE or scores.max() > HIGHEST_SCORE):
        raise ValueError("A reason score is from -100 to +100.")
    return np.bincount(scores - LOWEST_SCORE, minlength=SCORE_COUNT)


@dataclass(frozen=True)
class Bin:
    low: int  # from this score
    high: int  # up to, not including, this one; the last bin includes +100
    count: int


@dataclass(frozen=True)
class BandShare:
    band: Hashable
    count: int
    share: float


@dataclass(frozen=True)
class ScoreDistribution:
    count: int
    mean: float | None  # None when nobody has a score
    sd: float | None  # None for fewer than 2 scores
    bins: tuple[Bin, ...]  # 20 bins of width 10 over -100..+100
    counts: tuple[int, ...]  # 201 counts, for scores -100..+100
    bands: tuple[BandShare, ...]  # share of the given band labels; empty when none given


def score_distribution(
    scores: np.ndarray,
    bands: Sequence[Hashable] | None = None,
    band_order: Sequence[Hashable] | None = None,
) -> ScoreDistribution:
    """Return the histogram, mean, sample SD and band shares of one reason's scores.

    `bands` is one band label per person (any value, e.g. `scoring.Band`);
    their shares come in `band_order` (every band listed, even unseen ones),
    or in sorted order of the labels seen.
    """
    counts = score_counts(scores)
    values = np.arange(LOWEST_SCORE, HIGHEST_SCORE + 1, dtype=np.float64)
    count = int(counts.sum())
    mean = sd = None
    if count:
        mean = float(counts @ values / count)
        if count > 1:
            sd = math.sqrt(float(counts @ (values - mean) ** 2) / (count - 1))
    # Score s falls in bin (s + 100) // 10; +100 joins the last bin.
    binned = counts[:-1].reshape(-1, HISTOGRAM_WIDTH).sum(axis=1)
    binned[-1] += counts[-1]
    bins = tuple(
        Bin(
            low=LOWEST_SCORE + i * HISTOGRAM_WIDTH,
            high=LOWEST_SCORE + (i + 1) * HISTOGRAM_WIDTH,
            count=int(c),
        )
        for i, c in enumerate(binned)
    )
    shares: tuple[BandShare, ...] = ()
    if bands is not None:
        if isinstance(bands, np.ndarray):  # counted by numpy: a hundred times faster
            labels, numbers = np.unique(bands, return_counts=True)
            tally = dict(zip(labels.tolist(), numbers.tolist(), strict=True))
        else:
            tally = Counter(bands)
        order = band_order if band_order is not None else sorted(tally)
        total = len(bands)
        shares = tuple(
            BandShare(band=band, count=tally.get(band, 0), share=tally.get(band, 0) / total)
            for band in order
            if total
        )
    return ScoreDistribution(
        count=count,
        mean=mean,
        sd=sd,
        bins=bins,
        counts=tuple(int(c) for c in counts),
        bands=shares,
    )


# One reason, and what to warn about ----------------------------------------


@dataclass(frozen=True)
class ReasonStats:
    key: str
    people: int  # who answered every statement of the reason: the reliability sample
    alpha: float | None
    alpha_interval: Interval | None
    omega: Omega | None
    statement_keys: tuple[str, ...]
    alpha_if_deleted: tuple[float | None, ...]  # one per statement, None where undefined
    item_total: tuple[float | None, ...]  # corrected item-total r per statement
    statements: tuple[StatementStats, ...]
    scores: ScoreDistribution


def reason_stats(
    key: str,
    answers: Sequence[str] | np.ndarray,
    statements: Sequence[StatementLike],
    *,
    bands: Sequence[Hashable] | None = None,
    band_order: Sequence[Hashable] | None = None,
    level: float = 0.95,
) -> ReasonStats:
    """Return every statistic of one reason from the stored answers (strings or `answer_array`).

    Reliability is computed on the people who answered all of the reason's
    statements (`item_matrix`); each statement's distribution on everyone who
    answered it; scores on everyone who answered at least one of them.
    `bands` gives one band label per row of `answers` (rows without a score
    are passed over), see `score_distribution`.
    """
    positions = [statement.position for statement in statements]
    directions = [statement.direction for statement in statements]
    if not isinstance(answers, np.ndarray):
        answers = answer_array(answers, max(positions, default=-1) + 1)
    X = item_matrix(answers, positions, directions)
    C = covariance(X)
    alpha = None if C is None else _alpha(C)
    raw = answers[:, positions]
    scored = (raw > 0).any(axis=1)
    scores = reason_scores(raw[scored], directions, [statement.weight for statement in statements])
    if bands is not None:
        if len(bands) != len(scored):
            raise ValueError("Each row of answers needs a band.")
        if isinstance(bands, np.ndarray):
            bands = bands[scored]
        else:
            bands = list(itertools.compress(bands, scored))
    return ReasonStats(
        key=key,
        people=X.shape[0],
        alpha=alpha,
        alpha_interval=alpha_ci(alpha, X.shape[0], X.shape[1], level),
        omega=mcdonald_omega(X),
        statement_keys=tuple(statement.key for statement in statements),
        alpha_if_deleted=_plain(alpha_if_deleted(X)),
        item_total=_plain(corrected_item_total(X)),
        statements=tuple(
            statement_stats(raw[:, i], statement.key) for i, statement in enumerate(statements)
        ),
        scores=score_distribution(scores, bands, band_order),
    )


def _plain(values: np.ndarray) -> tuple[float | None, ...]:
    return tuple(None if math.isnan(value) else float(value) for value in values)


@dataclass(frozen=True)
class Concern:
    """One statistic below its floor, as plain data: the lead's page says it in words."""

    kind: str  # LOW_ALPHA or LOW_ITEM_TOTAL
    reason: str
    statement: str  # "" for a whole reason
    value: float
    floor: float


LOW_ALPHA = "low-alpha"
LOW_ITEM_TOTAL = "low-item-total"


def warnings_for(reasons: Iterable[ReasonStats]) -> tuple[Concern, ...]:
    """Return a reason's alpha below ALPHA_FLOOR and each statement's item-total r below ITEM_TOTAL_FLOOR.

    A statistic that could not be computed (None) is not a concern here: the
    page says there are not enough answers instead.
    """
    concerns = []
    for stats in reasons:
        if stats.alpha is not None and stats.alpha < ALPHA_FLOOR:
            concerns.append(Concern(LOW_ALPHA, stats.key, "", stats.alpha, ALPHA_FLOOR))
        for statement, r in zip(stats.statement_keys, stats.item_total, strict=True):
            if r is not None and r < ITEM_TOTAL_FLOOR:
                concerns.append(Concern(LOW_ITEM_TOTAL, stats.key, statement, r, ITEM_TOTAL_FLOOR))
    return tuple(concerns)


# Who finished, and how long it took ----------------------------------------


@dataclass(frozen=True)
class FunnelStep:
    number: int  # from 1
    reached: int  # shown this step (or a later one)
    left: int  # reached this step but not the next one (the last: but did not complete)
    left_share: float | None  # left / reached; None when nobody reached it


@dataclass(frozen=True)
class Funnel:
    started: int
    completed: int
    completion_rate: float | None  # completed / started; None when nobody started
    left_before_first: int  # started but never shown the first step
    steps: tuple[FunnelStep, ...]


def furthest_steps(
    step_times: Sequence[Sequence | None], step_count: int, completed: Sequence[bool] | None = None
) -> np.ndarray:
    """Return, per submission, the number of the furthest step it was shown (0: none).

    `step_times` are the stored lists ([shown, answered] or null per step).
    A completed submission (`completed`, paired) reached every step, even one
    stored before step times were recorded.
    """
    furthest = np.zeros(len(step_times), dtype=np.int64)
    for row, times in enumerate(step_times):
        for number, entry in enumerate(times or (), start=1):
            if isinstance(entry, list | tuple) and entry and entry[0] is not None:
                furthest[row] = min(number, step_count)
    if completed is not None:
        furthest[np.asarray(completed, dtype=bool)] = step_count
    return furthest


def reached_counts(furthest: np.ndarray, step_count: int) -> np.ndarray:
    """Return how many submissions reached each of steps 1..step_count (their furthest >= it)."""
    capped = np.minimum(np.asarray(furthest, dtype=np.int64), step_count)
    at = np.bincount(capped, minlength=step_count + 1)
    return at[::-1].cumsum()[::-1][1:]


def dropoff(reached: Sequence[int], completed: int, started: int | None = None) -> Funnel:
    """Return where people left: per step, who reached it and who went no further.

    `reached[i]` is how many reached step i + 1 (a count that cannot rise
    from one step to the next), `completed` how many confirmed their answers,
    `started` how many began (the first step's count if not given). People
    still answering count as having left where they are: pass only
    submissions old enough to have finished.
    """
    reached = [int(count) for count in reached]
    started = reached[0] if started is None and reached else int(started or 0)
    following = [*reached[1:], completed]
    chain = [started, *reached, completed]
    if any(after > before for before, after in itertools.pairwise(chain)):
        raise ValueError("Each step is reached by no more people than the step before.")
    steps = tuple(
        FunnelStep(
            number=number,
            reached=count,
            left=count - after,
            left_share=(count - after) / count if count else None,
        )
        for number, (count, after) in enumerate(zip(reached, following, strict=True), start=1)
    )
    return Funnel(
        started=started,
        completed=completed,
        completion_rate=completed / started if started else None,
        left_before_first=started - (reached[0] if reached else completed),
        steps=steps,
    )


def median_seconds(
    started: Sequence[datetime.datetime], completed: Sequence[datetime.datetime | None]
) -> float | None:
    """Return the median time from start to completion in seconds, of the completed ones.

    The two sequences are paired; a None completion (not finished) is left
    out. None when nobody completed.
    """
    seconds = [
        (end - start).total_seconds()
        for start, end in zip(started, completed, strict=True)
        if end is not None
    ]
    return float(np.median(seconds)) if seconds else None


# Norms ---------------------------------------------------------------------


@dataclass(frozen=True)
class Norm:
    below: int  # people with a strictly lower score
    same: int  # people with the same score
    total: int
    share_below: float | None  # below / total; None when the group is empty
    enough: bool  # total >= the minimum group: the page may show the share


def percentile_below(
    counts: Sequence[int] | np.ndarray, score: int, min_group: int = MIN_NORM_GROUP
) -> Norm:
    """Return the share of people with a strictly lower score than `score`.

    `counts` holds how many people have each score -100..+100 (201 numbers,
    `score_counts`). Strictly lower is what "higher than 72% of the 1,340
    people who took this version" says; the textbook percentile rank counts
    half the ties as lower, (below + same / 2) / total (Crocker & Algina
    1986), and can be had from `below` and `same`. Whether the person is in
    `counts` is the caller's choice: their own score is a tie, not below.
    """
    counts = np.asarray(counts, dtype=np.int64)
    if counts.shape != (SCORE_COUNT,):
        raise ValueError("Norms need a count for each score from -100 to +100.")
    if not LOWEST_SCORE <= score <= HIGHEST_SCORE:
        raise ValueError("A reason score is from -100 to +100.")
    index = score - LOWEST_SCORE
    below, same, total = int(counts[:index].sum()), int(counts[index]), int(counts.sum())
    return Norm(
        below=below,
        same=same,
        total=total,
        share_below=below / total if total else None,
        enough=total >= min_group,
    )
