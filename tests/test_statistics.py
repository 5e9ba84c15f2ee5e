"""The statistics module, on a data set small enough to check by hand.

Six people answered one reason's four statements; the third is reverse-keyed
and the first weighs 2. Recoded 6 - value on the third, their item scores X
(each column sums to 18, so every item's mean is 3 and the total's is 12):

    person  answers   x1 x2 x3 x4  total
    1       1 2 3 3    1  2  3  3      9
    2       4 3 4 3    4  3  2  3     12
    3       2 4 2 3    2  4  4  3     13
    4       3 2 4 2    3  2  2  2      9
    5       4 4 3 3    4  4  3  3     14
    6       4 3 2 4    4  3  4  4     15

Deviations from the means, and their sums of squares (SS):

    d1 = -2  1 -1  0  1  1    SS 8
    d2 = -1  0  1 -1  1  0    SS 4
    d3 =  0 -1  1 -1  0  1    SS 4
    d4 =  0  0  0 -1  0  1    SS 2
    dT = -3  0  1 -3  2  3    SS 32

Cross products: d1.d2 = 2, d1.d3 = -1, d1.d4 = 1, d2.d3 = 2, d2.d4 = 1,
d3.d4 = 2 (check: 8 + 4 + 4 + 2 + 2 * (2 - 1 + 1 + 2 + 1 + 2) = 32). A
sample variance is SS / 5, a covariance a cross product / 5; the 5s cancel
in every ratio below. A seventh person ("5023") left the second statement
unanswered; an eighth ("") answered nothing.

The oracles (pingouin, semopy, scipy) are test-only: see pyproject.toml.
"""

import datetime
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pingouin
import pytest
import semopy
from hypothesis import given
from hypothesis import strategies as st
from scipy import special
from scipy import stats as scipy_stats

from assessments import statistics
from assessments.scoring import (
    FORWARD,
    REVERSE,
    AnswerInput,
    Band,
    ReasonInput,
    reason_score,
    score_reason,
)

# numpy says "divide by zero" as a RuntimeWarning: none may happen here.
pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")

ANSWERS = ["1233", "4343", "2423", "3242", "4433", "4324", "5023", ""]
DIRECTIONS = [FORWARD, FORWARD, REVERSE, FORWARD]
WEIGHTS = [2, 1, 1, 1]
X = np.array(
    [[1, 2, 3, 3], [4, 3, 2, 3], [2, 4, 4, 3], [3, 2, 2, 2], [4, 4, 3, 3], [4, 3, 4, 4]],
    dtype=float,
)


@dataclass(frozen=True)
class Statement:
    key: str
    position: int
    direction: str
    weight: int


STATEMENTS = [
    Statement(f"s{position + 1}", position, direction, weight)
    for position, (direction, weight) in enumerate(zip(DIRECTIONS, WEIGHTS, strict=True))
]


def approx(value, tolerance=1e-12):
    return pytest.approx(value, abs=tolerance)


# Answers -------------------------------------------------------------------


def test_answer_strings_become_an_array_with_unanswered_digits_as_zero():
    values = statistics.answer_array(["123", "45", "", "5432100"], 3)

    assert values.tolist() == [[1, 2, 3], [4, 5, 0], [0, 0, 0], [5, 4, 3]]


def test_an_answer_digit_outside_0_to_5_is_refused():
    with pytest.raises(ValueError, match="0 to 5"):
        statistics.answer_array(["16"], 2)


def test_the_item_matrix_recodes_reverse_keyed_answers_and_drops_incomplete_rows():
    matrix = statistics.item_matrix(ANSWERS, [0, 1, 2, 3], DIRECTIONS)

    assert matrix.tolist() == X.tolist()


def test_the_item_matrix_refuses_an_unknown_direction():
    with pytest.raises(ValueError, match="sideways"):
        statistics.item_matrix(ANSWERS, [0, 1], [FORWARD, "sideways"])


# Alpha and its interval ----------------------------------------------------


def test_cronbach_alpha_matches_the_hand_computed_value():
    # k / (k - 1) * (1 - sum of item SS / total SS) = 4/3 * (1 - 18/32) = 4/3 * 14/32 = 7/12
    assert statistics.cronbach_alpha(X) == approx(7 / 12)


def test_feldt_interval_matches_the_f_tables():
    # df = (n - 1, (n - 1)(k - 1)) = (5, 15). From printed F tables:
    # F(0.975; 5, 15) = 3.576 and F(0.025; 5, 15) = 1 / F(0.975; 15, 5) = 1 / 6.428.
    # low = 1 - (1 - 7/12) * 3.576 = -0.490; high = 1 - (5/12) / 6.428 = 0.935.
    interval = statistics.alpha_ci(7 / 12, n=6, k=4)

    assert interval.low == approx(1 - 5 / 12 * 3.576, 1e-3)
    assert interval.high == approx(1 - 5 / 12 / 6.428, 1e-3)
    assert interval.level == 0.95


@pytest.mark.parametrize(
    ("alpha", "n", "k", "low", "high"),
    [
        # pingouin.cronbach_alpha's documented examples, which it checks against R's psych.
        (0.5917188485995826, 15, 10, 0.195, 0.840),
        (0.7380191693290734, 12, 11, 0.447, 0.911),
    ],
)
def test_feldt_interval_matches_published_examples(alpha, n, k, low, high):
    interval = statistics.alpha_ci(alpha, n, k)

    assert round(interval.low, 3) == low
    assert round(interval.high, 3) == high


def generated_items(n=300, loadings=(0.9, 0.7, 0.6, 0.5, 0.8, 0.4), seed=1):
    """Return 1..5 answers of n people driven by one factor, rounded and clipped to the scale."""
    rng = np.random.default_rng(seed)
    factor = rng.normal(size=n)
    raw = 3 + np.outer(factor, loadings) + rng.normal(size=(n, len(loadings)))
    return np.clip(np.round(raw), 1, 5)


@pytest.mark.parametrize("data", [X, generated_items()], ids=["hand", "generated"])
def test_alpha_and_its_interval_agree_with_pingouin(data):
    expected, (low, high) = pingouin.cronbach_alpha(pd.DataFrame(data))

    alpha = statistics.cronbach_alpha(data)
    interval = statistics.alpha_ci(alpha, *data.shape)

    assert alpha == approx(expected)
    # pingouin rounds its interval to 3 decimals.
    assert (round(interval.low, 3), round(interval.high, 3)) == (low, high)


def test_alpha_if_each_item_is_deleted_matches_the_hand_computed_values():
    # Without item i: sum of the other SS / SS of their total, where the total's SS
    # is the SS of all items less item i's SS and twice its cross products.
    # -x1: 1.5 * (1 - (4 + 4 + 2) / (32 - 8 - 2 * 2)) = 1.5 * (1 - 10/20) = 0.75
    # -x2: 1.5 * (1 - (8 + 4 + 2) / (32 - 4 - 2 * 5)) = 1.5 * (1 - 14/18) = 1/3
    # -x3: 1.5 * (1 - (8 + 4 + 2) / (32 - 4 - 2 * 3)) = 1.5 * (1 - 14/22) = 6/11
    # -x4: 1.5 * (1 - (8 + 4 + 4) / (32 - 2 - 2 * 4)) = 1.5 * (1 - 16/22) = 9/22
    assert statistics.alpha_if_deleted(X).tolist() == [
        approx(0.75),
        approx(1 / 3),
        approx(6 / 11),
        approx(9 / 22),
    ]


def test_alpha_if_deleted_agrees_with_pingouin_on_the_remaining_items():
    data = generated_items()

    expected = [
        pingouin.cronbach_alpha(pd.DataFrame(np.delete(data, i, axis=1)))[0]
        for i in range(data.shape[1])
    ]

    assert statistics.alpha_if_deleted(data).tolist() == [approx(value) for value in expected]


def test_corrected_item_total_correlation_matches_the_hand_computed_values():
    # r = (item's cross products with the others) / sqrt(item SS * SS of the others' total)
    assert statistics.corrected_item_total(X).tolist() == [
        approx(2 / math.sqrt(8 * 20)),  # 0.158
        approx(5 / math.sqrt(4 * 18)),  # 0.589
        approx(3 / math.sqrt(4 * 22)),  # 0.320
        approx(4 / math.sqrt(2 * 22)),  # 0.603
    ]


def test_corrected_item_total_correlation_agrees_with_numpy_corrcoef():
    data = generated_items()

    expected = [
        np.corrcoef(data[:, i], data.sum(axis=1) - data[:, i])[0, 1] for i in range(data.shape[1])
    ]

    assert statistics.corrected_item_total(data).tolist() == [approx(r) for r in expected]


# Omega ---------------------------------------------------------------------


def one_factor_correlations(loadings):
    """Return the correlations one factor with these loadings makes: r_ij = l_i * l_j."""
    loadings = np.array(loadings)
    R = np.outer(loadings, loadings)
    np.fill_diagonal(R, 1)
    return R


def test_omega_recovers_the_loadings_of_an_exact_one_factor_structure():
    # Loadings 0.9, 0.8, 0.7, 0.6: uniquenesses 1 - l^2 = 0.19, 0.36, 0.51, 0.64.
    # omega = (0.9 + 0.8 + 0.7 + 0.6)^2 / (3.0^2 + 1.70) = 9 / 10.7
    omega = statistics.omega_from_correlations(one_factor_correlations([0.9, 0.8, 0.7, 0.6]))

    assert omega.loadings == approx((0.9, 0.8, 0.7, 0.6), 1e-6)
    assert omega.uniquenesses == approx((0.19, 0.36, 0.51, 0.64), 1e-6)
    assert omega.omega == approx(9 / 10.7, 1e-6)
    assert omega.converged and not omega.heywood


def test_omega_of_equal_correlations_is_the_spearman_brown_reliability():
    # Four items all correlating 0.49 load sqrt(0.49) = 0.7 each:
    # omega = 2.8^2 / (2.8^2 + 4 * 0.51) = 7.84 / 9.88 = 4 * 0.49 / (1 + 3 * 0.49).
    omega = statistics.omega_from_correlations(one_factor_correlations([0.7] * 4))

    assert omega.omega == approx(7.84 / 9.88, 1e-6)


def test_omega_of_the_hand_data_is_a_converged_principal_axis_solution():
    # Correlations r_ij = cross product / sqrt(SS_i * SS_j), from the table above.
    ss = [8, 4, 4, 2]
    cross = {(0, 1): 2, (0, 2): -1, (0, 3): 1, (1, 2): 2, (1, 3): 1, (2, 3): 2}
    R = np.eye(4)
    for (i, j), value in cross.items():
        R[i, j] = R[j, i] = value / math.sqrt(ss[i] * ss[j])

    omega = statistics.mcdonald_omega(X)

    from_hand = statistics.omega_from_correlations(R)
    assert omega.omega == approx(from_hand.omega)
    assert omega.loadings == approx(from_hand.loadings)
    # A fixed point of principal axes: the loadings are the first eigenvector of R
    # with the communalities (loadings squared) on its diagonal, times the root of
    # its eigenvalue.
    loadings = np.array(omega.loadings)
    reduced = R.copy()
    np.fill_diagonal(reduced, loadings**2)
    values, vectors = np.linalg.eigh(reduced)
    first = vectors[:, -1] * math.sqrt(values[-1])
    assert np.abs(first).tolist() == approx(np.abs(loadings).tolist(), 1e-4)
    assert omega.omega == approx(
        loadings.sum() ** 2 / (loadings.sum() ** 2 + 4 - (loadings**2).sum())
    )
    assert omega.converged and not omega.heywood


def semopy_omega(data):
    """Return omega from semopy's one-factor model fitted by unweighted least squares."""
    standardised = (data - data.mean(axis=0)) / data.std(axis=0)
    columns = [f"x{i}" for i in range(data.shape[1])]
    model = semopy.Model("f =~ " + " + ".join(columns))
    model.fit(pd.DataFrame(standardised, columns=columns), obj="ULS")
    estimates = model.inspect()
    loadings = estimates[(estimates.op == "~") & (estimates.rval == "f")]["Estimate"]
    variances = estimates[(estimates.op == "~~") & (estimates.lval == estimates.rval)]
    factor = variances[variances.lval == "f"]["Estimate"].astype(float).iloc[0]
    unique = variances[variances.lval != "f"]["Estimate"].astype(float).to_numpy()
    # semopy fixes the first loading at 1 and frees the factor's variance: rescale.
    loadings = loadings.astype(float).to_numpy() * math.sqrt(factor)
    return loadings, loadings.sum() ** 2 / (loadings.sum() ** 2 + unique.sum())


@pytest.mark.parametrize("data", [X, generated_items()], ids=["hand", "generated"])
def test_omega_agrees_with_semopys_least_squares_factor(data):
    # Converged principal axes is the unweighted least squares solution, which semopy
    # reaches by optimisation (to about 1e-4).
    loadings, expected = semopy_omega(data)

    omega = statistics.mcdonald_omega(data)

    assert omega.omega == approx(expected, 5e-4)
    assert omega.loadings == approx(tuple(loadings), 2e-3)


def test_a_heywood_case_holds_the_communality_below_one():
    # r12 = r13 = 0.9, r23 = 0.5 would need l1^2 = 0.9 * 0.9 / 0.5 = 1.62.
    R = np.array([[1, 0.9, 0.9], [0.9, 1, 0.5], [0.9, 0.5, 1]])

    omega = statistics.omega_from_correlations(R)

    assert omega.heywood
    assert omega.uniquenesses[0] == approx(1 - statistics.MAX_COMMUNALITY)
    assert 0 < omega.omega < 1


# Statements and scores -----------------------------------------------------


def test_each_statement_is_described_on_its_raw_answers():
    stats = statistics.reason_stats("r", ANSWERS, STATEMENTS).statements

    # s1: 1 4 2 3 4 4 5 (seven answers): mean 23/7, SS = 87 - 23^2/7 = 80/7, sd = sqrt(80/7/6)
    assert stats[0].counts == (1, 1, 1, 3, 1)
    assert (stats[0].answered, stats[0].mean) == (7, approx(23 / 7))
    assert stats[0].sd == approx(math.sqrt(80 / 42))
    assert stats[0].neutral_share == approx(1 / 7)
    # s2: 2 3 4 2 4 3 (the seventh left it): mean 3, SS 4, sd sqrt(4/5)
    assert stats[1].counts == (0, 2, 2, 2, 0)
    assert (stats[1].answered, stats[1].mean, stats[1].sd) == (6, 3, approx(math.sqrt(0.8)))
    assert stats[1].neutral_share == approx(2 / 6)
    # s3, not recoded: 3 4 2 4 3 2 2: mean 20/7, SS = 62 - 20^2/7 = 34/7
    assert stats[2].counts == (0, 3, 2, 2, 0)
    assert (stats[2].mean, stats[2].sd) == (approx(20 / 7), approx(math.sqrt(34 / 42)))
    assert stats[2].neutral_share == approx(2 / 7)
    # s4: 3 3 3 2 3 4 3: mean 3, SS 2
    assert stats[3].counts == (0, 1, 5, 1, 0)
    assert (stats[3].mean, stats[3].sd) == (3, approx(math.sqrt(2 / 6)))
    assert stats[3].neutral_share == approx(5 / 7)
    assert [statement.key for statement in stats] == ["s1", "s2", "s3", "s4"]


def test_reason_scores_match_the_hand_computed_scores():
    # Lean d = x - 3 on the recoded items (the deviations above), weights 2, 1, 1, 1:
    # score = 100 * sum(w * d / 2) / sum(w) = 50 * sum(w * d) / 5 = 10 * sum(w * d).
    # Person 7 (5, -, 2 reversed, 3): d = 2, -, 1, 0 over weights 2 + 1 + 1:
    # 50 * (4 + 1) / 4 = 62.5, rounded half away from zero to 63.
    values = statistics.answer_array(ANSWERS, 4)

    scores = statistics.reason_scores(values, DIRECTIONS, WEIGHTS)

    assert scores.tolist() == [-50, 10, 0, -30, 30, 40, 63, 0]


def test_a_negative_half_score_rounds_away_from_zero():
    # 2, 2, 2, 3 on forward statements: 100 * (-0.5 * 3 + 0) / 4 = -37.5, said as -38.
    values = np.array([[2, 2, 2, 3]])

    assert statistics.reason_scores(values, [FORWARD] * 4, [1] * 4).tolist() == [-38]


answer_rows = st.lists(
    st.tuples(st.integers(0, 5), st.sampled_from([FORWARD, REVERSE]), st.integers(0, 5)),
    min_size=1,
    max_size=8,
)


@given(answer_rows)
def test_reason_scores_are_the_scoring_modules_scores(row):
    values, directions, weights = zip(*row, strict=True)
    answered = [(v, d, w) for v, d, w in row if v > 0]

    score = statistics.reason_scores(np.array([values]), directions, weights)[0]

    assert score == reason_score(answered)


def test_reason_bands_match_the_hand_computed_bands():
    # The six complete people score -50, 10, 0, -30, 30, 40 (above). Person 1 leans
    # against on two answers (x1 = 1, x2 = 2), person 4 on three: "fits you" at -25 or
    # below. Persons 5 and 6 lean towards on two and three: "may wear on you" from +25.
    # Person 7 scores 63 with two answers towards: "likely to wear on you" from +60.
    # Person 8 answered nothing: no lean.
    values = statistics.answer_array(ANSWERS, 4)

    bands = statistics.reason_bands(values, DIRECTIONS, WEIGHTS, 25, 60)

    assert [Band(band) for band in bands] == [
        Band.FITS,
        Band.NO_LEAN,
        Band.NO_LEAN,
        Band.FITS,
        Band.SOME,
        Band.SOME,
        Band.STRONG,
        Band.NO_LEAN,
    ]


def test_a_reason_agreed_with_both_ways_is_not_enough_to_tell():
    # Forward statements agreed with (d = +2, +1: mean lean 0.75), the reverse-keyed one
    # agreed with too (d = -1: lean -0.5): each at least half a step, opposite ways.
    # The second person agrees with the forward ones and disagrees with the other: +100.
    values = np.array([[5, 4, 4, 3], [5, 5, 1, 5]])

    bands = statistics.reason_bands(values, DIRECTIONS, WEIGHTS)

    assert bands.tolist() == [Band.UNCLEAR, Band.STRONG]


@given(answer_rows, st.integers(0, 60), st.integers(0, 100))
def test_reason_bands_are_the_scoring_modules_bands(row, some, strong):
    values, directions, weights = zip(*row, strict=True)
    reason = ReasonInput(
        key="r",
        title="R",
        order=1,
        answers=[
            AnswerInput(statement=f"s{i}", value=v, direction=d, weight=w)
            for i, (v, d, w) in enumerate(row)
            if v > 0
        ],
        some_signs_from=some,
        strong_signs_from=strong,
    )

    band = statistics.reason_bands(np.array([values]), directions, weights, some, strong)[0]

    assert Band(band) is score_reason(reason).band


def test_score_distribution_matches_the_hand_computed_values():
    # Scores -50, 10, 0, -30, 30, 40, 63: sum 63, mean 9; squared deviations
    # 3481 + 1 + 81 + 1521 + 441 + 961 + 2916 = 9402, variance 9402 / 6 = 1567.
    bands = [Band.FITS, Band.NO_LEAN, Band.NO_LEAN, Band.FITS, Band.SOME, Band.SOME, Band.STRONG]

    distribution = statistics.score_distribution(
        np.array([-50, 10, 0, -30, 30, 40, 63]), bands, band_order=list(Band)
    )

    assert (distribution.count, distribution.mean) == (7, 9)
    assert distribution.sd == approx(math.sqrt(1567))
    counted = {(b.low, b.high): b.count for b in distribution.bins if b.count}
    assert counted == {
        (-50, -40): 1,
        (-30, -20): 1,
        (0, 10): 1,
        (10, 20): 1,
        (30, 40): 1,
        (40, 50): 1,
        (60, 70): 1,
    }
    assert len(distribution.bins) == 20
    assert distribution.counts[63 + 100] == 1 and sum(distribution.counts) == 7
    assert [(share.band, share.count) for share in distribution.bands] == [
        (Band.UNCLEAR, 0),
        (Band.FITS, 2),
        (Band.NO_LEAN, 2),
        (Band.SOME, 2),
        (Band.STRONG, 1),
    ]
    assert distribution.bands[1].share == approx(2 / 7)


def test_the_end_scores_fall_in_the_first_and_last_bins():
    bins = statistics.score_distribution(np.array([-100, -91, -90, 99, 100])).bins

    assert [b.count for b in bins] == [2, 1] + [0] * 17 + [2]
    assert (bins[0].low, bins[-1].high) == (-100, 100)


def test_a_score_outside_minus_100_to_100_is_refused():
    with pytest.raises(ValueError, match="-100 to \\+100"):
        statistics.score_counts(np.array([101]))


def test_reason_stats_gathers_every_statistic_of_a_reason():
    bands = ["fits", "no-lean", "no-lean", "fits", "some", "some", "strong", "not scored"]

    stats = statistics.reason_stats("r", ANSWERS, STATEMENTS, bands=bands)

    assert stats.people == 6
    assert stats.alpha == approx(7 / 12)
    interval = statistics.alpha_ci(7 / 12, 6, 4)
    assert (stats.alpha_interval.low, stats.alpha_interval.high) == (
        approx(interval.low),
        approx(interval.high),
    )
    assert stats.omega == statistics.mcdonald_omega(X)
    assert stats.alpha_if_deleted == approx((0.75, 1 / 3, 6 / 11, 9 / 22))
    assert stats.item_total[0] == approx(2 / math.sqrt(160))
    assert stats.scores.count == 7 and stats.scores.mean == 9
    # The eighth person has no score, so their band is passed over.
    assert {share.band: share.count for share in stats.scores.bands} == {
        "fits": 2,
        "no-lean": 2,
        "some": 2,
        "strong": 1,
    }


# Warnings ------------------------------------------------------------------


def test_a_low_alpha_and_a_low_item_total_correlation_are_flagged():
    # alpha 7/12 < 0.70; item-total r: s1 0.158 < 0.30, s3 0.320 is not below.
    stats = statistics.reason_stats("r", ANSWERS, STATEMENTS)

    concerns = statistics.warnings_for([stats])

    assert concerns == (
        statistics.Concern(statistics.LOW_ALPHA, "r", "", approx(7 / 12), 0.70),
        statistics.Concern(statistics.LOW_ITEM_TOTAL, "r", "s1", approx(2 / math.sqrt(160)), 0.30),
    )


def test_statistics_that_could_not_be_computed_are_not_flagged():
    stats = statistics.reason_stats("r", ["1233"], STATEMENTS)

    assert stats.alpha is None and stats.item_total == (None,) * 4
    assert statistics.warnings_for([stats]) == ()


# Drop-off and time ---------------------------------------------------------


def test_dropoff_says_who_reached_each_step_and_who_left_there():
    funnel = statistics.dropoff([10, 8, 5], completed=4, started=12)

    assert (funnel.started, funnel.completed, funnel.left_before_first) == (12, 4, 2)
    assert funnel.completion_rate == approx(4 / 12)
    assert [(s.number, s.reached, s.left) for s in funnel.steps] == [
        (1, 10, 2),
        (2, 8, 3),
        (3, 5, 1),
    ]
    assert [s.left_share for s in funnel.steps] == [approx(0.2), approx(3 / 8), approx(0.2)]


def test_dropoff_with_nobody_has_no_rates():
    funnel = statistics.dropoff([0, 0], completed=0)

    assert funnel.completion_rate is None
    assert [s.left_share for s in funnel.steps] == [None, None]


def test_dropoff_refuses_a_step_reached_by_more_people_than_the_one_before():
    with pytest.raises(ValueError, match="no more people"):
        statistics.dropoff([5, 6], completed=1)


def test_reached_counts_come_from_the_stored_step_times():
    step_times = [
        [[1.0, 5.0], [6.0, 9.0], [10.0, None]],  # shown step 3
        [[1.0, 4.0]],  # only step 1
        [[1.0, 2.0], None, [5.0, None]],  # skipped ahead to step 3
        [],  # never shown a step
        [],  # completed before step times were stored
    ]
    furthest = statistics.furthest_steps(step_times, 3, completed=[0, 0, 0, 0, 1])

    assert furthest.tolist() == [3, 1, 3, 0, 3]
    assert statistics.reached_counts(furthest, 3).tolist() == [4, 3, 3]


def test_median_time_to_complete_leaves_out_the_unfinished():
    start = datetime.datetime(2026, 1, 1, 12, 0)
    started = [start] * 5
    completed = [start + datetime.timedelta(seconds=s) for s in (60, 30, 90, 45)] + [None]

    assert statistics.median_seconds(started, completed) == 52.5
    assert statistics.median_seconds(started[:1], [None]) is None


# Norms ---------------------------------------------------------------------


def tiny_histogram():
    counts = np.zeros(201, dtype=int)
    counts[-10 + 100], counts[0 + 100], counts[25 + 100] = 2, 3, 5
    return counts


@pytest.mark.parametrize(
    ("score", "below", "same", "share"),
    [
        (-100, 0, 0, 0),
        (-10, 0, 2, 0),
        (0, 2, 3, 0.2),
        (10, 5, 0, 0.5),
        (25, 5, 5, 0.5),
        (100, 10, 0, 1),
    ],
)
def test_percentile_counts_the_people_strictly_below(score, below, same, share):
    norm = statistics.percentile_below(tiny_histogram(), score)

    assert (norm.below, norm.same, norm.total, norm.share_below) == (below, same, 10, share)


def test_a_norm_group_needs_a_hundred_people_by_default():
    assert statistics.MIN_NORM_GROUP == 100
    assert not statistics.percentile_below(tiny_histogram(), 0).enough
    assert statistics.percentile_below(tiny_histogram(), 0, min_group=10).enough


def test_an_empty_norm_group_has_no_share():
    norm = statistics.percentile_below(np.zeros(201), 0)

    assert (norm.total, norm.share_below, norm.enough) == (0, None, False)


def test_norms_need_a_count_for_every_score():
    with pytest.raises(ValueError, match="each score"):
        statistics.percentile_below(np.zeros(200), 0)


# The F distribution --------------------------------------------------------

DEGREES = [(1, 1), (2, 1), (3, 3), (0.5, 7.3), (5, 15), (14, 126), (999, 4995), (99_999, 499_995)]


@pytest.mark.parametrize(("df1", "df2"), DEGREES)
def test_f_quantiles_agree_with_scipy(df1, df2):
    for p in (1e-6, 0.005, 0.025, 0.5, 0.975, 0.995, 1 - 1e-6):
        assert statistics.f_quantile(p, df1, df2) == pytest.approx(
            scipy_stats.f.ppf(p, df1, df2), rel=1e-9
        )


@pytest.mark.parametrize(("a", "b"), [(0.5, 0.5), (2.5, 7.5), (7, 45), (50_000, 250_000)])
def test_the_incomplete_beta_function_agrees_with_scipy(a, b):
    for x in np.linspace(0, 1, 41):
        assert statistics.regularized_beta(x, a, b) == approx(special.betainc(a, b, x), 1e-12)


@pytest.mark.parametrize("p", [0, 1, -0.5])
def test_a_quantile_of_no_probability_is_refused(p):
    with pytest.raises(ValueError, match="between 0 and 1"):
        statistics.f_quantile(p, 5, 15)


# Edge cases ----------------------------------------------------------------


def test_one_person_gives_no_reliability():
    one = X[:1]

    assert statistics.cronbach_alpha(one) is None
    assert statistics.alpha_ci(None, 1, 4) is None
    assert statistics.mcdonald_omega(one) is None
    assert np.isnan(statistics.alpha_if_deleted(one)).all()
    assert np.isnan(statistics.corrected_item_total(one)).all()


def test_nobody_answering_every_statement_gives_no_reliability():
    stats = statistics.reason_stats("r", ["5023", ""], STATEMENTS)

    assert stats.people == 0
    assert (stats.alpha, stats.alpha_interval, stats.omega) == (None, None, None)
    assert stats.scores.count == 1


def test_identical_answers_give_no_alpha_and_no_correlations():
    same = np.full((5, 4), 3.0)

    assert statistics.cronbach_alpha(same) is None
    assert np.isnan(statistics.alpha_if_deleted(same)).all()
    assert np.isnan(statistics.corrected_item_total(same)).all()
    assert statistics.mcdonald_omega(same) is None


def test_an_item_nobody_varied_on_has_no_correlation_and_no_omega():
    varied = X.copy()
    varied[:, 3] = 3  # the totals still vary

    assert statistics.cronbach_alpha(varied) is not None
    assert math.isnan(statistics.corrected_item_total(varied)[3])
    assert statistics.mcdonald_omega(varied) is None


def test_too_few_items_give_no_alpha_and_no_omega():
    assert statistics.cronbach_alpha(X[:, :1]) is None
    assert statistics.alpha_ci(0.8, 6, 1) is None
    # With two items alpha is defined, alpha without one of them is not,
    # and one factor of two items is not identified.
    assert statistics.cronbach_alpha(X[:, :2]) is not None
    assert np.isnan(statistics.alpha_if_deleted(X[:, :2])).all()
    assert statistics.mcdonald_omega(X[:, :2]) is None


def test_a_perfect_alpha_has_a_closed_interval_at_one():
    interval = statistics.alpha_ci(1.0, 50, 6)

    assert (interval.low, interval.high) == (1.0, 1.0)


def test_a_statement_nobody_answered_has_no_mean():
    stats = statistics.statement_stats(np.array([0, 0]))

    assert (stats.answered, stats.mean, stats.sd, stats.neutral_share) == (0, None, None, None)
    assert statistics.statement_stats(np.array([4])).sd is None


def test_a_reason_nobody_scored_has_no_mean():
    distribution = statistics.score_distribution(np.array([], dtype=int), bands=[])

    assert (distribution.count, distribution.mean, distribution.sd) == (0, None, None)
    assert distribution.bands == ()
