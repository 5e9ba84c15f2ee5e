"""Results a person keeps and acts on: share, PDF, preview image, retake compared, delete."""

from __future__ import annotations

import io
import re

import pytest
from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.test import Client
from django.urls import reverse
from django.utils import translation
from PIL import Image
from pypdf import PdfReader

from assessments import views
from assessments.models import DeletedSubmission, Submission

from .conftest import complete, leaning, start
from .test_views import text

pytestmark = pytest.mark.usefixtures("questionnaire")


def results_url(submission: Submission) -> str:
    return reverse("assessments:results", args=[submission.pk])


def delete_url(submission: Submission) -> str:
    return reverse("assessments:delete", args=[submission.pk])


def pdf_url(submission: Submission) -> str:
    return reverse("assessments:results_pdf", args=[submission.pk])


def preview_url(submission: Submission) -> str:
    return reverse("assessments:results_preview", args=[submission.pk])


def finished(client, leans: dict[str, int], default: int = -1) -> Submission:
    submission = start(client)
    complete(client, submission, leaning(submission, leans, default))
    return submission


def meta(page: str, name: str) -> str:
    match = re.search(rf'<meta (?:property|name)="{re.escape(name)}" content="([^"]*)"', page)
    assert match, f"no {name} in the page"
    return match[1]


def pdf_text(content: bytes, joiner: str = " ") -> str:
    pages = PdfReader(io.BytesIO(content)).pages
    return joiner.join(joiner.join(page.extract_text().split()) for page in pages)


# -- Keep and share ----------------------------------------------------------------------


def test_the_actions_and_the_link_come_before_the_profile_chart(respondent, varied_submission):
    page = respondent.get(results_url(varied_submission)).content.decode()

    actions = page.index('class="result-actions"')
    assert actions < page.index('class="summary-card"') < page.index('class="details-heading"')
    assert f"http://testserver{results_url(varied_submission)}" in page
    for label in ("Copy link", "Share", "Print", "Download PDF"):
        assert label in page
    # Copy, Share and Print need the script: hidden until it shows them.
    assert re.search(r"<button[^>]*data-copy-link[^>]*hidden>", page)
    assert re.search(r"<button[^>]*data-print[^>]*hidden>", page)


def test_a_shared_link_has_a_preview_of_the_profile_and_no_answers(
    respondent, other_browser, varied_submission
):
    page = other_browser.get(results_url(varied_submission)).content.decode()

    assert meta(page, "og:image") == f"http://testserver{preview_url(varied_submission)}"
    assert meta(page, "og:url") == f"http://testserver{results_url(varied_submission)}"
    assert meta(page, "twitter:card") == "summary_large_image"
    description = meta(page, "og:description")
    assert description and "<" not in description
    for statement in varied_submission.frozen.statements:
        assert str(statement.text) not in description


def test_the_preview_image_is_a_png_of_the_open_graph_size_in_the_language_answered(
    respondent, other_browser, varied_submission
):
    response = other_browser.get(preview_url(varied_submission))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert Image.open(io.BytesIO(response.content)).size == (1200, 630)
    # Someone reading the link in Chinese is shown the same picture: it is
    # drawn in the language the questionnaire was answered in, and kept.
    chinese = other_browser.get(preview_url(varied_submission), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert chinese.content == response.content


def test_the_pdf_download_holds_the_results_text(respondent, varied_submission):
    response = respondent.get(pdf_url(varied_submission))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    day = varied_submission.completed_at.date().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="mlfit-results-{day}.pdf"'
    assert "no-store" in response["Cache-Control"]
    words = pdf_text(response.content)
    for reason in varied_submission.frozen.reasons:
        assert str(reason.title) in words
    link = f"http://testserver{results_url(varied_submission)}"
    assert link in pdf_text(response.content, joiner="")


def test_the_pdf_is_in_the_language_of_the_page(respondent, varied_submission):
    response = respondent.get(pdf_url(varied_submission), HTTP_ACCEPT_LANGUAGE="zh-hans")
    with translation.override("zh-hans"):
        titles = [str(reason.title) for reason in varied_submission.frozen.reasons]

    words = pdf_text(response.content, joiner="")
    for title in titles:
        assert title.replace(" ", "") in words


def test_unfinished_results_have_no_pdf_or_preview_for_a_visitor(submission, other_browser):
    assert other_browser.get(pdf_url(submission)).status_code == 404
    assert other_browser.get(preview_url(submission)).status_code == 404


def test_a_visitor_is_invited_to_answer_rather_than_to_start_again(
    respondent, other_browser, varied_submission
):
    visitor = text(other_browser.get(results_url(varied_submission)))
    owner = text(respondent.get(results_url(varied_submission)))

    assert "Take the questionnaire yourself" in visitor
    assert "Answer again" not in visitor and "Delete my results" not in visitor
    assert "Answer again" in owner and "Delete my results" in owner
    assert "Take the questionnaire yourself" not in owner


def test_the_source_article_is_credited_on_the_landing_and_results_pages(
    respondent, varied_submission
):
    article = "pub.towardsai.net/top-5-reasons-not-to-become-a-machine-learning-engineer"
    for url in (reverse("assessments:landing"), results_url(varied_submission)):
        page = respondent.get(url).content.decode()
        assert article in page
        assert "Top 5 reasons not to become a Machine Learning Engineer" in page


# -- Coming back and comparing -----------------------------------------------------------


def test_the_landing_page_lists_this_browsers_earlier_results(respondent, other_browser):
    first = finished(respondent, {"perseverance": 2})
    second = finished(respondent, {"perseverance": -1})
    finished(Client(), {})

    page = respondent.get(reverse("assessments:landing")).content.decode()

    assert "Your earlier results" in page
    links = re.findall(r'href="(/results/[0-9a-f-]+/)"', page)
    assert links == [results_url(second), results_url(first)]
    assert "Your earlier results" not in text(other_browser.get(reverse("assessments:landing")))


def test_a_retake_shows_each_reasons_change_since_the_previous_result(respondent):
    finished(respondent, {"perseverance": 2, "little-ml": -2})
    retake = finished(respondent, {"perseverance": 1, "little-ml": -2})

    page = text(respondent.get(results_url(retake)))

    assert "Since your result of" in page
    assert "Perseverance +100 → to +50" in page
    assert "50 points towards “fits you”" in page
    assert "Little ML −100 → to −100" in page and "unchanged" in page


def test_the_first_result_and_a_visitor_see_no_comparison(respondent, other_browser):
    first = finished(respondent, {"perseverance": 2})
    assert "Since your result of" not in text(respondent.get(results_url(first)))
    retake = finished(respondent, {"perseverance": 1})
    assert "Since your result of" not in text(other_browser.get(results_url(retake)))


def test_a_retake_on_another_revision_compares_only_the_reasons_both_share(
    respondent, questionnaire
):
    finished(respondent, {"perseverance": 2})
    reason = questionnaire.reasons.get(key="stakeholder-management")
    reason.key = "people-work"
    reason.save()
    questionnaire.publish()
    retake = finished(respondent, {"perseverance": 1})

    page = text(respondent.get(results_url(retake)))

    assert "Perseverance +100 → to +50" in page
    compared = page[page.index("Since your result of") : page.index("See that earlier result")]
    assert "Stakeholder management" not in compared
    assert compared.count("→") == 4
    assert "Stakeholder management" in page  # its own result is still shown


# -- Delete ------------------------------------------------------------------------------


def test_the_owner_deletes_after_confirming_and_nothing_of_it_stays(respondent, varied_submission):
    respondent.get(results_url(varied_submission))
    respondent.get(pdf_url(varied_submission))
    respondent.get(preview_url(varied_submission))
    pdf_key = views.cached_key("pdf", varied_submission.pk, "en")
    preview_key = views.cached_key("preview", varied_submission.pk, "en")
    assert cache.get(pdf_key) is not None and cache.get(preview_key) is not None

    asked = respondent.get(delete_url(varied_submission))
    assert asked.status_code == 200
    assert "This cannot be undone." in text(asked)
    assert Submission.objects.filter(pk=varied_submission.pk).exists()  # asking deletes nothing

    deleted = respondent.post(delete_url(varied_submission))

    assert deleted.status_code == 302 and deleted["Location"] == reverse("assessments:landing")
    assert not Submission.objects.filter(pk=varied_submission.pk).exists()
    stone = DeletedSubmission.objects.get()
    assert str(varied_submission.pk) not in stone.id_digest
    assert cache.get(pdf_key) is None and cache.get(preview_key) is None
    landing = text(respondent.get(reverse("assessments:landing")))
    assert "were deleted" in landing and "Your earlier results" not in landing


def test_a_deleted_link_answers_410_gone_for_everyone(respondent, other_browser, varied_submission):
    respondent.post(delete_url(varied_submission))

    for client in (respondent, other_browser):
        for url in (results_url(varied_submission), pdf_url(varied_submission)):
            response = client.get(url)
            assert response.status_code == 410
            assert "These results were deleted" in text(response)
    assert respondent.post(delete_url(varied_submission)).status_code == 410
    # A link that never existed is still "not found".
    assert other_browser.get("/results/00000000-0000-4000-8000-000000000000/").status_code == 404


def test_a_visitor_with_the_link_cannot_delete(respondent, other_browser, varied_submission):
    asked = other_browser.get(delete_url(varied_submission))
    posted = other_browser.post(delete_url(varied_submission))

    assert asked.status_code == posted.status_code == 403
    assert "Only the person who answered can delete these results" in text(posted)
    assert Submission.objects.filter(pk=varied_submission.pk).exists()


def test_deleting_one_result_keeps_the_others(respondent):
    kept = finished(respondent, {"perseverance": 2})
    gone = finished(respondent, {"perseverance": 1})

    respondent.post(delete_url(gone))

    assert list(Submission.objects.values_list("pk", flat=True)) == [kept.pk]
    assert respondent.get(results_url(kept)).status_code == 200


def test_no_cached_part_of_a_deleted_result_is_left(respondent, other_browser, varied_submission):
    respondent.get(results_url(varied_submission))
    other_browser.get(results_url(varied_submission))
    keys = [
        make_template_fragment_key(
            fragment, [views.RESULTS_PAGE_VERSION, varied_submission.pk, "en", is_owner]
        )
        for fragment in views.RESULTS_FRAGMENTS
        for is_owner in (True, False)
    ]
    assert all(cache.get(key) is not None for key in keys)  # both views of the page are cached

    respondent.post(delete_url(varied_submission))

    assert [key for key in keys if cache.get(key) is not None] == []


@pytest.mark.parametrize("bad", ["not-a-uuid", "123"])
def test_a_malformed_id_on_the_new_addresses_is_not_found(client, bad):
    for suffix in ("pdf/", "preview.png", "delete/"):
        assert client.get(f"/results/{bad}/{suffix}").status_code == 404
