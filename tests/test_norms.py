"""Norms: where a person's scores stand among the people who took the same revision.

A sincere respondent who leans -1 on a reason (forward statements answered
2, reverse-keyed ones 4) scores -50 on it, and +100 on a reason they lean +2
on (`conftest.leaning`). The norms count completed submissions without an
answer-quality flag, per revision, reason and score.
"""

from __future__ import annotations

import html
import re
from functools import partial
from io import StringIO

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.test.utils import CaptureQueriesContext

from assessments import standing, statistics
from assessments.models import ReasonScoreCount, Submission

from .conftest import complete, confirm, leaning, start, step_url
from .test_views import text

SINCERE = {"perseverance": 2}  # +100 on perseverance, -50 on the other four reasons


@pytest.fixture
def few_needed(settings):
    """Norms shown from three people on, rather than a hundred."""
    settings.MLFIT_NORMS_MIN = 3


def completed(client: Client, leans: dict[str, int] = SINCERE, **extra) -> Submission:
    submission = start(client)
    complete(client, submission, leaning(submission, leans, **extra))
    assert submission.quality_flags == ""
    return submission


def answered(client: Client, leans: dict[str, int] = SINCERE) -> Submission:
    """Return a submission with every step answered sincerely, not yet confirmed."""
    submission = start(client)
    values = leaning(submission, leans)
    for reason in submission.frozen.reasons:
        data = {f"q{s.position}": str(values[s.position]) for s in reason.statements}
        response = client.post(step_url(submission, reason.number), {**data, "action": "next"})
        assert response.status_code == 302
    return submission


def norms(submission: Submission) -> dict[str, dict[int, int]]:
    """Return {reason key: {score: people}} of the submission's revision, leaving out zeros."""
    counts = ReasonScoreCount.objects.counts_for(submission.revision_id)
    return {
        key: {int(i) + statistics.LOWEST_SCORE: int(people[i]) for i in np.flatnonzero(people)}
        for key, people in counts.items()
    }


def standing_text(response) -> str:
    """Return the visible text of the results page's "Compared with other people" section."""
    found = re.search(
        r'<section class="standing-card".*?</section>', response.content.decode(), re.S
    )
    if not found:
        return ""
    words = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", found.group(0)))).strip()
    return words


# -- Counting -------------------------------------------------------------------------------


def test_a_completed_submission_without_flags_is_counted_with_its_scores(questionnaire, respondent):
    submission = completed(respondent)

    assert norms(submission) == {
        "constant-learning": {-50: 1},
        "perseverance": {100: 1},
        "change-and-rework": {-50: 1},
        "stakeholder-management": {-50: 1},
        "little-ml": {-50: 1},
    }


def test_a_flagged_submission_is_not_counted(questionnaire, respondent):
    submission = start(respondent)
    complete(respondent, submission, 3)  # all neutral: flagged

    assert submission.quality_flags
    assert norms(submission) == {}


def test_two_completions_with_the_same_score_count_two_people(questionnaire, respondent):
    first = completed(respondent)
    completed(Client())

    assert norms(first)["perseverance"] == {100: 2}
    assert norms(first)["little-ml"] == {-50: 2}


def test_confirming_still_needs_at_most_six_queries_when_it_counts_in_the_norms(
    questionnaire, respondent, django_assert_max_num_queries
):
    submission = answered(respondent)

    # The five of a confirm (tests/test_views.py) and the one that adds to the norms.
    with django_assert_max_num_queries(6):
        confirm(respondent, submission)

    assert norms(submission)["perseverance"] == {100: 1}


def test_deleting_results_takes_them_out_of_the_norms(questionnaire, respondent):
    submission = completed(respondent)
    completed(Client())

    respondent.post(f"/results/{submission.pk}/delete/")

    assert not Submission.objects.filter(pk=submission.pk).exists()
    assert norms(submission)["perseverance"] == {100: 1}


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: concurrent writers on separate connections (CI runs it there)",
)
def test_two_completions_at_the_same_moment_are_both_counted(questionnaire):
    from .test_concurrency import all_at_once

    for _round in range(5):
        pair = [(browser, answered(browser)) for browser in (Client(), Client())]

        responses = all_at_once(*(partial(confirm, browser, s) for browser, s in pair))

        assert [response.status_code for response in responses] == [302, 302]
    assert norms(pair[0][1])["perseverance"] == {100: 10}
    assert norms(pair[0][1])["constant-learning"] == {-50: 10}


# -- Repair and backfill ----------------------------------------------------------------


def test_rebuild_norms_counts_again_from_the_submissions(questionnaire, respondent):
    submission = completed(respondent)
    completed(Client(), {"perseverance": 1})
    ReasonScoreCount.objects.filter(reason_key="perseverance").update(people=40)
    ReasonScoreCount.objects.add(submission.revision_id, {("gone", 10): 3})
    out = StringIO()

    call_command("rebuild_norms", stdout=out)

    assert norms(submission)["perseverance"] == {50: 1, 100: 1}
    assert "gone" not in norms(submission)
    assert "2 completed submissions without a quality flag" in out.getvalue()


def test_rebuild_norms_refuses_a_revision_that_does_not_exist(questionnaire):
    with pytest.raises(CommandError, match="No revision with id 999"):
        call_command("rebuild_norms", "--revision", "999", stdout=StringIO())


def test_the_migration_counts_the_submissions_completed_before_it(transactional_db, questionnaire):
    first, second = completed(Client()), completed(Client(), {**SINCERE, "little-ml": 1})
    flagged = start(Client())
    Submission.objects.filter(pk=flagged.pk).update(
        answers=first.answers, completed_at=first.completed_at, quality_flags="speeding"
    )
    executor = MigrationExecutor(connection)
    executor.migrate([("assessments", "0009_roles_and_experiments")])
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert norms(first) == {
        "constant-learning": {-50: 2},
        "perseverance": {100: 2},
        "change-and-rework": {-50: 2},
        "stakeholder-management": {-50: 2},
        "little-ml": {-50: 1, 50: 1},
    }
    assert norms(second) == norms(first)


# -- The wording ----------------------------------------------------------------------------


def norm(below: int, same: int, above: int) -> statistics.Norm:
    counts = np.zeros(statistics.SCORE_COUNT, dtype=np.int64)
    counts[0], counts[100], counts[200] = below, same, above  # -100, 0 and +100
    return statistics.percentile_below(counts, 0, min_group=1)


def test_a_score_that_leans_further_towards_may_wear_on_you_says_so_with_its_share():
    # 965 of 1,340 have a lower score: 72.01%, rounded down.
    assert standing.sentence(norm(965, 1, 374)) == (
        "Your answers here lean more towards “may wear on you” than those of 72% of the "
        "1,340 people who took this version of the questionnaire."
    )


def test_a_score_that_leans_further_towards_fits_you_says_so_with_its_share():
    # 965 of 1,340 have a higher score: the person stands out towards "fits you".
    assert standing.sentence(norm(374, 1, 965)) == (
        "Your answers here lean more towards “fits you” than those of 72% of the "
        "1,340 people who took this version of the questionnaire."
    )


def test_a_share_is_rounded_down_so_it_never_claims_more():
    # 199 of 200: 99.5%, said as 99%.
    assert "than those of 99% of the 200 people" in standing.sentence(norm(199, 1, 0))


def test_a_score_nearly_everyone_shares_is_said_as_that():
    # Fewer than 1% on either side.
    assert standing.sentence(norm(1, 998, 1)) == (
        "Most of the 1,000 people who took this version of the questionnaire have the same "
        "score here as you."
    )


# -- The results page -----------------------------------------------------------------------


def test_the_results_page_says_nothing_of_others_below_the_minimum(
    questionnaire, respondent, few_needed
):
    completed(Client())
    submission = completed(respondent)  # two people in all

    response = respondent.get(submission.get_absolute_url())

    assert "Compared with other people" not in text(response)


def test_the_results_page_places_each_reason_among_others_from_the_minimum_on(
    questionnaire, respondent, few_needed
):
    completed(Client(), {"perseverance": 1})
    completed(Client(), {"perseverance": 1, "little-ml": 0})
    submission = completed(respondent)  # three people

    shown = standing_text(respondent.get(submission.get_absolute_url()))

    # Perseverance: +100 against 50, 50 and the person's own tie. Little ML: -50 against
    # 0 above, and -50 twice the same.
    assert (
        "Perseverance Your answers here lean more towards “may wear on you” than those of "
        "66% of the 3 people who took this version of the questionnaire." in shown
    )
    assert (
        "Little ML Your answers here lean more towards “fits you” than those of 33% of the "
        "3 people who took this version of the questionnaire." in shown
    )
    assert (
        "Constant learning Most of the 3 people who took this version of the questionnaire "
        "have the same score here as you." in shown
    )


def test_only_reasons_with_enough_people_are_placed(questionnaire, respondent, few_needed):
    submission = completed(respondent)
    ReasonScoreCount.objects.add(
        submission.revision_id, {("perseverance", 0): 964, ("perseverance", 100): 375}
    )

    shown = standing_text(respondent.get(submission.get_absolute_url()))

    # 964 below, the person among 376 at +100: 964 / 1,340 = 71.9%.
    assert shown.count("Your answers here") == 1
    assert "than those of 71% of the 1,340 people" in shown


def test_the_norms_are_current_though_the_rest_of_the_page_is_cached(
    questionnaire, respondent, few_needed
):
    submission = completed(respondent)
    ReasonScoreCount.objects.add(submission.revision_id, {("perseverance", 0): 2})
    assert "of the 3 people" in standing_text(respondent.get(submission.get_absolute_url()))

    ReasonScoreCount.objects.add(submission.revision_id, {("perseverance", 0): 1})

    assert "of the 4 people" in standing_text(respondent.get(submission.get_absolute_url()))


def test_the_norms_cost_one_query_however_many_people_are_counted(
    questionnaire, respondent, few_needed
):
    submission = completed(respondent)
    url = submission.get_absolute_url()
    respondent.get(url)  # cache the page's text
    with CaptureQueriesContext(connection) as before:
        respondent.get(url)

    ReasonScoreCount.objects.add(
        submission.revision_id,
        {(key, score): 7 for key in norms(submission) for score in range(-100, 101)},
    )
    with CaptureQueriesContext(connection) as after:
        response = respondent.get(url)

    assert "of the 1,408 people" in standing_text(response)
    assert len(after) == len(before)
    assert sum("reasonscorecount" in query["sql"] for query in after.captured_queries) == 1


def test_answers_without_a_clear_picture_are_not_placed_among_others(
    questionnaire, respondent, few_needed
):
    submission = start(respondent)
    complete(respondent, submission, 3)  # mostly neutral: low confidence
    ReasonScoreCount.objects.add(submission.revision_id, {("perseverance", 0): 500})

    assert standing_text(respondent.get(submission.get_absolute_url())) == ""


def test_the_norms_render_in_chinese_too(questionnaire, respondent, few_needed):
    submission = completed(respondent)
    ReasonScoreCount.objects.add(submission.revision_id, {("perseverance", 0): 1339})

    response = respondent.get(submission.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 200
    assert '<html lang="zh-hans"' in response.content.decode()
    # Chinese writes 1340 without a thousands separator.
    assert "1340" in standing_text(response)
    assert "99%" in standing_text(response)
