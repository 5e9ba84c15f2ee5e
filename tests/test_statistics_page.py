"""The admin's statistics page, on a data set small enough to check by hand.

One revision of two reasons, which are its two steps. The first reason is
tests/test_statistics.py's: four statements, the third reverse-keyed, the
first weighing 2; its six sincere people P1..P6 answer as there, so its
alpha (7/12), interval, item-total correlations, alpha if deleted, scores
(-50, 10, 0, -30, 30, 40) and bands are worked out in that file's docstring
and tests. The second reason's three forward statements get the same answer
from each person, 1 2 3 4 5 3, so they hang together perfectly (alpha 1):

    who  answers   reason 2 score  started (day)  took  language  flags
    P1   1233 111  -100            0              100 s en
    P2   4343 222   -50            0              200 s en
    P3   2423 333     0            0              300 s en
    P4   3242 444    50            10             400 s en
    P5   4433 555   100            10             500 s zh-hans
    P6   4324 333     0            10             600 s zh-hans
    F    4444 444                  10              60 s en        straight-line
    U1   12.. ...   shown step 1   10                   en
    U2   4343 1..   shown step 2   10                   zh-hans
    U3   never shown a step        0                    en
    U4   shown step 1, 10 minutes ago: may still be answering

F agrees with everything: on the first reason its forward answers lean
towards "may wear on you" and its reverse-keyed one the other way, each by
half a step, so that reason is "not enough to tell" for F.
"""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments import statistics
from assessments.models import Question, Questionnaire, ReasonCategory, Submission

URL = reverse("admin-statistics")
FIRST, SECOND = ["1233", "4343", "2423", "3242", "4433", "4324"], ["111", "222", "333", "444"]
SECOND += ["555", "333"]


@pytest.fixture
def stats_questionnaire(db) -> Questionnaire:
    """The two reasons described above, published as revision 1."""
    questionnaire = Questionnaire.objects.create(slug="stats", title="Stats", published=True)
    first = ReasonCategory.objects.create(
        questionnaire=questionnaire,
        key="learning",
        order=1,
        title="Constant learning",
        summary="S.",
        why_it_matters="W.",
        advice="A.",
    )
    for order, (direction, weight) in enumerate(
        [("forward", 2), ("forward", 1), ("reverse", 1), ("forward", 1)], start=1
    ):
        Question.objects.create(
            category=first,
            key=f"s{order}",
            order=order,
            statement=f"Learning statement {order}.",
            direction=direction,
            weight=weight,
        )
    second = ReasonCategory.objects.create(
        questionnaire=questionnaire,
        key="rework",
        order=2,
        title="Change and rework",
        summary="S.",
        why_it_matters="W.",
        advice="A.",
    )
    for order in range(1, 4):
        Question.objects.create(
            category=second, key=f"r{order}", order=order, statement=f"Rework statement {order}."
        )
    questionnaire.publish(allow_missing_texts=True)  # English only on purpose
    return questionnaire


def day(number: int) -> datetime.datetime:
    """Return noon UTC on day `number` of the data set, which began 30 days ago."""
    start = (timezone.now() - datetime.timedelta(days=30)).replace(
        hour=12, minute=0, second=0, microsecond=0
    )
    return start + datetime.timedelta(days=number)


def add(revision, answers, *, started, took=None, language="en", flags="", times=None):
    completed = started + datetime.timedelta(seconds=took) if took is not None else None
    if times is None:
        times = [[1.0, 20.0], [21.0, 40.0]] if completed else []
    return Submission.objects.create(
        revision=revision,
        owner_key="0" * 64,
        answers=answers,
        started_at=started,
        completed_at=completed,
        language=language,
        quality_flags=flags,
        step_times=times,
    )


@pytest.fixture
def answered(stats_questionnaire):
    """The submissions in the table above."""
    revision = stats_questionnaire.latest_revision()
    for number, (first, second) in enumerate(zip(FIRST, SECOND, strict=True), start=1):
        add(
            revision,
            first + second,
            started=day(0 if number <= 3 else 10) + datetime.timedelta(minutes=number),
            took=100 * number,
            language="zh-hans" if number in (5, 6) else "en",
        )
    add(revision, "4444444", started=day(10), took=60, flags="straight-line")
    add(revision, "1200000", started=day(10), times=[[0.5, None]])
    add(revision, "4343100", started=day(10), language="zh-hans", times=[[0.4, 20.0], [21, None]])
    add(revision, "0000000", started=day(0))
    add(revision, "1000000", started=timezone.now() - datetime.timedelta(minutes=10))
    return revision


def text(response) -> str:
    """Return the page's visible text in <main>'s place, tags dropped and spaces collapsed."""
    markup = response.content.decode()
    markup = re.sub(r"<(script|style|title|desc)\b.*?</\1\s*>", " ", markup, flags=re.S | re.I)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]*>", " ", markup))).strip()


def figures(client: Client, **filters):
    response = client.get(URL, filters)
    assert response.status_code == 200, response.content.decode()[:3000]
    return response


def reason(response, key: str) -> dict:
    [section] = [s for s in response.context["reasons"] if s["reason"].key == key]
    return section


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("staff", password="not-used", is_staff=True)


@pytest.fixture
def viewing_staff(staff) -> Client:
    """A browser logged in as staff who may view submissions, and nothing else."""
    staff.user_permissions.add(
        Permission.objects.get(content_type__app_label="assessments", codename="view_submission")
    )
    browser = Client()
    browser.force_login(staff)
    return browser


# -- Who may see it ------------------------------------------------------------------


def test_an_anonymous_visitor_is_sent_to_the_admin_login(client, answered):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('admin:login')}?next={URL}"


def test_staff_without_the_view_permission_on_submissions_are_refused(staff, answered):
    browser = Client()
    browser.force_login(staff)

    assert browser.get(URL).status_code == 403


def test_staff_with_the_view_permission_on_submissions_see_the_figures(viewing_staff, answered):
    response = figures(viewing_staff)

    assert response.context["revision"] == answered
    assert "Who finished" in text(response)


def test_the_admin_index_links_the_page_for_those_who_may_see_it(
    viewing_staff, staff, django_user_model, answered
):
    link = f'href="{URL}"'
    assert link in viewing_staff.get(reverse("admin:index")).content.decode()
    other = django_user_model.objects.create_user("other", password="x", is_staff=True)
    other.user_permissions.add(
        Permission.objects.get(content_type__app_label="assessments", codename="view_revision")
    )
    browser = Client()
    browser.force_login(other)
    assert link not in browser.get(reverse("admin:index")).content.decode()


def test_the_page_looks_like_the_admin_and_links_its_own_stylesheet(admin_client, answered):
    markup = admin_client.get(URL).content.decode()

    assert 'id="site-name"' in markup  # the admin's header
    assert "css/admin-statistics.css" in markup
    assert "style=" not in markup.split("<body", 1)[1]
    assert "<script>" not in markup


# -- Who finished -------------------------------------------------------------------------


def test_started_completed_and_the_completion_rate_count_everyone_who_could_have_finished(
    admin_client, answered
):
    response = figures(admin_client)
    funnel = response.context["funnel"]

    # U4 started ten minutes ago and may still be answering: not counted yet.
    assert (funnel.started, funnel.completed) == (10, 7)
    assert response.context["counts"]["still_answering"] == 1
    page = text(response)
    assert "Started 10" in page and "Completed 7" in page
    assert "Completion rate 70.0% 7 of N = 10 started" in page
    assert "1 submission started in the last 1 hour is left out" in page


def test_the_drop_off_says_how_many_reached_each_step_and_how_many_left_there(
    admin_client, answered
):
    response = figures(admin_client)
    funnel = response.context["funnel"]

    # Reached step 1: the seven completed, U1 and U2; step 2: the seven and U2.
    assert funnel.left_before_first == 1  # U3
    assert [(s.reached, s.left) for s in funnel.steps] == [(9, 1), (8, 1)]
    page = text(response)
    assert "Before the first step 10 1 —" in page
    assert "Step 1: Constant learning 9 1 11.1%" in page
    assert "Step 2: Change and rework 8 1 12.5%" in page


def test_a_step_counts_as_reached_when_it_or_a_later_one_was_shown(
    admin_client, stats_questionnaire
):
    # Counted by the database; the same as `statistics.furthest_steps` counts in Python.
    revision = stats_questionnaire.latest_revision()
    stored = [
        [],  # never shown a step
        [None],
        [[None, 3.0]],  # answered without its showing being recorded: not shown
        [[1.0, None]],  # shown step 1
        [[1.0, 2.0], [None, 5.0]],  # shown step 1
        [[1.0, 2.0], [3.0, None]],  # shown step 2
        [None, [5.0, None]],  # shown step 2 only
    ]
    for times in stored:
        add(revision, "0000000", started=day(1), times=times)

    funnel = figures(admin_client).context["funnel"]

    assert [step.reached for step in funnel.steps] == [4, 2]
    in_python = statistics.reached_counts(statistics.furthest_steps(stored, 2), 2)
    assert [step.reached for step in funnel.steps] == in_python.tolist()
    assert (funnel.started, funnel.left_before_first) == (7, 3)


def test_the_median_time_to_complete_is_of_the_completed(admin_client, answered):
    # 60, 100, 200, 300, 400, 500 and 600 seconds: the median is 300.
    page = text(figures(admin_client))

    assert "Median time to complete 5 min 0 s N = 7" in page


# -- Answer quality -----------------------------------------------------------------------


def test_the_share_of_each_answer_quality_flag_is_of_the_completed(admin_client, answered):
    page = text(figures(admin_client))

    assert "Same answer in a long run 1 14.3%" in page
    assert "Contradicting answers 0 0.0%" in page
    assert "Any of these 1 14.3%" in page
    assert "Share of N = 7 completed" in page


def test_leaving_flagged_submissions_out_changes_every_figure_but_the_flag_counts(
    admin_client, answered
):
    response = figures(admin_client, leave_out_flagged="on")
    funnel = response.context["funnel"]

    assert (funnel.started, funnel.completed) == (9, 6)
    assert [(s.reached, s.left) for s in funnel.steps] == [(8, 1), (7, 1)]
    page = text(response)
    assert "Completion rate 66.7% 6 of N = 9 started" in page
    # 100..600 seconds: the median is 350.
    assert "Median time to complete 5 min 50 s N = 6" in page
    assert "1 submission with an answer-quality flag is left out" in page
    assert "Same answer in a long run 1 14.3%" in page
    assert reason(response, "learning")["stats"].scores.count == 6


# -- A reason: scores -------------------------------------------------------------------


def test_a_reasons_scores_have_their_mean_sd_and_histogram(admin_client, answered):
    response = figures(admin_client, leave_out_flagged="on")
    learning = reason(response, "learning")

    # -50, 10, 0, -30, 30, 40: mean 0, squared deviations 6000, SD sqrt(6000 / 5) = 34.6.
    assert "N = 6 completed. Mean 0.0, standard deviation 34.6" in text(response)
    bars = {(bar["low"], bar["high"]): bar["count"] for bar in learning["histogram"]["bars"]}
    assert {limits: count for limits, count in bars.items() if count} == {
        (-50, -41): 1,
        (-30, -21): 1,
        (0, 9): 1,
        (10, 19): 1,
        (30, 39): 1,
        (40, 49): 1,
    }
    assert bars[(90, 100)] == 0  # the last bin holds +100
    # Six bars of one person each, as tall as the tallest: each fills the plot's 108 units.
    assert {bar["height"] for bar in learning["histogram"]["bars"] if bar["count"]} == {108}
    # Drawn only where there is someone: and the second reason's scores, in five bins
    # (-100, -50, 0 twice, 50, 100).
    assert response.content.decode().count('<rect class="hg-bar"') == 6 + 5


def test_a_reasons_band_shares_are_of_those_with_a_score(admin_client, answered):
    response = figures(admin_client, leave_out_flagged="on")

    assert [(b["label"], b["count"]) for b in reason(response, "learning")["bands"]] == [
        ("Fits you", 2),
        ("No clear lean", 2),
        ("May wear on you", 2),
        ("Likely to wear on you", 0),
        ("Not enough to tell", 0),
    ]
    assert [(b["label"], b["count"]) for b in reason(response, "rework")["bands"]] == [
        ("Fits you", 2),
        ("No clear lean", 2),
        ("May wear on you", 1),
        ("Likely to wear on you", 1),
        ("Not enough to tell", 0),
    ]
    page = text(response)
    assert "Bands, of N = 6 Band People Share Fits you 2 33.3% No clear lean 2 33.3%" in page


def test_a_flagged_persons_contradicting_answers_count_as_not_enough_to_tell(
    admin_client, answered
):
    response = figures(admin_client)

    bands = {b["label"]: b["count"] for b in reason(response, "learning")["bands"]}
    assert bands["Not enough to tell"] == 1
    assert "N = 7 completed" in text(response)


# -- A reason: reliability --------------------------------------------------------------


def test_alpha_its_interval_and_omega_are_shown_with_their_n(admin_client, answered):
    response = figures(admin_client, leave_out_flagged="on")
    stats = reason(response, "learning")["stats"]

    assert stats.alpha == pytest.approx(7 / 12)
    # Feldt: 1 - 5/12 * F(0.975; 5, 15) and 1 - 5/12 / F(0.975; 15, 5), from the F tables.
    assert stats.alpha_interval.low == pytest.approx(1 - 5 / 12 * 3.576, abs=1e-3)
    assert stats.alpha_interval.high == pytest.approx(1 - 5 / 12 / 6.428, abs=1e-3)
    page = text(response)
    assert (
        "Cronbach's alpha 0.58 N = 6, 4 statements. 95% confidence interval -0.49 to 0.94 (Feldt)."
        in page
    )
    assert f"McDonald's omega {stats.omega.omega:.2f} N = 6; from one factor." in page
    assert reason(response, "rework")["stats"].alpha == pytest.approx(1.0)


def test_each_statement_has_its_distribution_mean_sd_neutral_share_and_item_statistics(
    admin_client, answered
):
    response = figures(admin_client, leave_out_flagged="on")

    # Statement 1: 1 4 2 3 4 4, mean 3, SS 8, SD sqrt(8/5); item-total 2 / sqrt(8 * 20);
    # alpha without it 0.75. Statement 4: 3 3 3 2 3 4, SS 2, four neutral answers of six.
    page = text(response)
    assert "Learning statement 1. 6 1 1 1 3 0 3.00 1.26 16.7% 0.16 0.75" in page
    assert "Learning statement 2. 6 0 2 2 2 0 3.00 0.89 33.3% 0.59 0.33" in page
    assert "Learning statement 3. (reverse-keyed) 6 0 2 2 2 0 3.00 0.89 33.3% 0.32 0.55" in page
    assert "Learning statement 4. 6 0 1 4 1 0 3.00 0.63 66.7% 0.60 0.41" in page
    assert "Rework statement 1. 6 1 1 2 1 1 3.00 1.41 33.3% 1.00 1.00" in page


def test_a_low_alpha_and_a_low_item_total_correlation_are_said_in_plain_words(
    admin_client, answered
):
    response = figures(admin_client, leave_out_flagged="on")

    assert response.context["concerns"] == [
        "The statements of “Constant learning” may not measure one thing together: their "
        "Cronbach's alpha is 0.58, below 0.70.",
        "“Learning statement 1.” (Constant learning): this statement may not measure what the "
        "others in its reason measure. Its correlation with the rest of the reason is 0.16, "
        "below 0.30.",
    ]
    assert 'class="number statistics-low">0.16<' in response.content.decode()


# -- Filters ---------------------------------------------------------------------------


def test_a_date_range_keeps_the_submissions_started_in_it(admin_client, answered):
    first_days = figures(admin_client, started_to=day(0).date().isoformat())
    funnel = first_days.context["funnel"]
    # P1..P3 and U3.
    assert (funnel.started, funnel.completed, funnel.left_before_first) == (4, 3, 1)
    assert "N = 3 completed" in text(first_days)

    later = figures(admin_client, started_from=day(5).date().isoformat())
    funnel = later.context["funnel"]
    # P4..P6, F, U1 and U2; U4 too, but it may still be answering.
    assert (funnel.started, funnel.completed) == (6, 4)
    assert later.context["counts"]["still_answering"] == 1


def test_the_last_day_of_the_range_is_included(admin_client, answered):
    response = figures(
        admin_client,
        started_from=day(10).date().isoformat(),
        started_to=day(10).date().isoformat(),
    )

    assert response.context["funnel"].started == 6


def test_a_language_keeps_the_submissions_answered_in_it(admin_client, answered):
    response = figures(admin_client, language="zh-hans")
    funnel = response.context["funnel"]

    # P5, P6 and U2, who left at step 2.
    assert (funnel.started, funnel.completed) == (3, 2)
    assert [(s.reached, s.left) for s in funnel.steps] == [(3, 0), (3, 1)]


def test_another_revision_can_be_chosen_and_the_latest_is_the_default(
    admin_client, answered, stats_questionnaire
):
    Question.objects.filter(key="r3").update(active=False)
    newer = stats_questionnaire.publish(allow_missing_texts=True)

    assert figures(admin_client).context["revision"] == newer
    assert figures(admin_client).context["funnel"].started == 0
    assert figures(admin_client, revision=answered.pk).context["funnel"].started == 10


@pytest.mark.parametrize(
    ("filters", "error"),
    [
        ({"started_from": "2026-02-30"}, "Enter a day that exists, as YYYY-MM-DD"),
        ({"started_to": "yesterday"}, "Enter a day that exists, as YYYY-MM-DD"),
        ({"revision": "99999"}, "Select a valid choice."),
        ({"revision": "'; DROP TABLE"}, "Select a valid choice."),
        ({"language": "xx"}, "Select a valid choice."),
        ({"started_from": "2026-03-02", "started_to": "2026-03-01"}, "Swap the two dates."),
    ],
)
def test_bad_filters_are_a_400_that_says_what_to_correct(admin_client, answered, filters, error):
    response = admin_client.get(URL, filters)

    assert response.status_code == 400
    assert error in text(response)
    assert "These filters cannot be used" in text(response)
    assert "funnel" not in response.context


def test_a_site_with_nothing_published_says_so(admin_client, db):
    response = admin_client.get(URL)

    assert response.status_code == 200
    assert "Nothing has been published yet" in text(response)


def test_a_filter_that_matches_nothing_shows_empty_figures(admin_client, answered):
    response = figures(admin_client, language="zh-hans", started_to=day(0).date().isoformat())

    assert response.context["funnel"].started == 0
    page = text(response)
    assert "Completion rate — 0 of N = 0 started" in page
    assert "No completed submission matches these filters yet." in page


# -- Cost ---------------------------------------------------------------------------------


def more(revision, count: int) -> None:
    Submission.objects.bulk_create(
        Submission(
            revision=revision,
            owner_key="1" * 64,
            answers=FIRST[i % 6] + SECOND[i % 6],
            started_at=day(1),
            completed_at=day(1) + datetime.timedelta(seconds=90),
        )
        for i in range(count)
    )


def queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL).status_code == 200
    return len(captured)


def test_the_page_makes_the_same_few_queries_for_5_or_50_submissions(
    viewing_staff, stats_questionnaire, django_assert_max_num_queries
):
    revision = stats_questionnaire.latest_revision()
    more(revision, 5)
    viewing_staff.get(URL)  # the revision's content is read once per process
    cache.clear()
    # The session, the user and their permissions (two); the revisions, the flag counts
    # and the one read of the answers.
    with django_assert_max_num_queries(7):
        assert viewing_staff.get(URL).status_code == 200
    cache.clear()
    few = queries(viewing_staff)
    more(revision, 45)
    assert queries(viewing_staff) == few


def test_the_answers_figures_come_from_the_cache_until_a_submission_is_completed(
    admin_client, answered
):
    first = figures(admin_client)
    add(answered, "1200000", started=day(2), times=[[1.0, None]])  # someone left at step 1
    again = figures(admin_client)

    assert "Shown from the cache." not in text(first)
    assert "Shown from the cache." in text(again)
    assert again.context["figures"]["computed_at"] == first.context["figures"]["computed_at"]
    # The counts are always read afresh.
    assert (first.context["funnel"].started, again.context["funnel"].started) == (10, 11)
    add(answered, "3333333", started=day(2), took=90)
    fresh = figures(admin_client)
    assert "Shown from the cache." not in text(fresh)
    assert fresh.context["figures"]["completed"] == 8


def test_the_page_says_when_its_figures_were_computed(admin_client, answered):
    assert re.search(r"Computed at .+ \(UTC\) in [\d.]+ s\.", text(figures(admin_client)))


# -- Languages ----------------------------------------------------------------------------


def test_the_page_renders_in_chinese(admin_client, answered):
    response = admin_client.get(URL, {"leave_out_flagged": "on"}, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 200
    assert '<html lang="zh-hans"' in response.content.decode()
    assert "0.58" in text(response)


def test_counts_in_the_thousands_are_grouped_for_reading(admin_client, stats_questionnaire):
    more(stats_questionnaire.latest_revision(), 1200)

    page = text(figures(admin_client))

    # In English; Django's Chinese number format groups no digits, so 1200 there.
    assert "N = 1,200" in page
    assert "1200" not in page
