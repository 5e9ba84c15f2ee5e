"""The landing page gets to the point, and the site has its icons (issue 13)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from .conftest import start, step_url

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}
CHINESE = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
# How each language says how long it takes ("about five minutes", "大约五分钟").
TIME_WORD = {"en": "minute", "zh-hans": "分钟"}
ICON_FILE = Path(__file__).resolve().parent.parent / "static" / "img" / "favicon.ico"


def description(html: str) -> str:
    match = re.search(r'<meta name="description" content="([^"]*)">', html)
    assert match, "the page has no meta description"
    return match.group(1)


def icon_links(html: str) -> dict[tuple[str, str, str], str]:
    """Return {(rel, type, sizes): href} of each <link rel="icon"> and rel="apple-touch-icon"."""
    links = {}
    for tag in re.findall(r'<link rel="(?:icon|apple-touch-icon)"[^>]*>', html):
        attributes = dict(re.findall(r'([a-z]+)="([^"]*)"', tag))
        key = (attributes["rel"], attributes.get("type", ""), attributes.get("sizes", ""))
        links[key] = attributes["href"]
    return links


def test_favicon_ico_is_answered_with_the_icon(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert b"".join(response.streaming_content) == ICON_FILE.read_bytes()
    assert "max-age=86400" in response["Cache-Control"]


def test_favicon_ico_is_a_real_icon_file_holding_a_32_pixel_png():
    data = ICON_FILE.read_bytes()
    reserved, kind, count = int.from_bytes(data[0:2], "little"), data[2], data[4]
    assert (reserved, kind) == (0, 1) and count >= 1
    sizes = [data[6 + 16 * entry] for entry in range(count)]
    assert 32 in sizes
    first_image = int.from_bytes(data[6 + 12 : 6 + 16], "little")
    assert data[first_image : first_image + 8] == b"\x89PNG\r\n\x1a\n"


def test_favicon_ico_answers_head_and_refuses_post(client, db):
    assert client.head("/favicon.ico").status_code == 200
    assert client.post("/favicon.ico").status_code == 405


def test_the_landing_page_links_the_svg_png_and_touch_icons_and_each_exists(client, questionnaire):
    links = icon_links(client.get(reverse("assessments:landing")).content.decode())
    assert set(links) == {
        ("icon", "image/svg+xml", ""),
        ("icon", "image/png", "32x32"),
        ("apple-touch-icon", "", ""),
    }
    for href in links.values():
        assert href.startswith("/static/img/")
        assert finders.find(href.removeprefix("/static/")), f"{href} is not a static file"


@pytest.mark.parametrize("name, size", [("favicon-32x32.png", 32), ("apple-touch-icon.png", 180)])
def test_each_png_icon_has_the_size_its_link_promises(name, size):
    data = Path(finders.find(f"img/{name}")).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (size, size)


def test_the_landing_page_has_its_own_meta_description_and_other_pages_keep_the_sites(
    client, questionnaire
):
    landing = description(client.get(reverse("assessments:landing")).content.decode())
    submission = start(client)
    step = description(client.get(step_url(submission, 1)).content.decode())
    assert "find out which of the five most common reasons" in landing
    assert "machine-learning engineering" in step
    assert landing != step
    assert 50 <= len(landing) <= 200, "search engines cut longer descriptions"


@pytest.mark.parametrize("language, headers", [("en", ENGLISH), ("zh-hans", CHINESE)])
def test_the_landing_page_says_how_long_it_takes_once(client, questionnaire, language, headers):
    html = client.get(reverse("assessments:landing"), **headers).content.decode()
    assert f'lang="{language}"' in html
    assert html.lower().count(TIME_WORD[language]) == 1


@pytest.mark.parametrize("language, headers", [("en", ENGLISH), ("zh-hans", CHINESE)])
def test_the_landing_page_says_it_once_to_a_returning_person_too(
    client, questionnaire, language, headers
):
    start(client)
    html = client.get(reverse("assessments:landing"), **headers).content.decode()
    assert "resume-card" in html
    assert html.lower().count(TIME_WORD[language]) == 1


def test_the_start_form_follows_the_promise_and_comes_before_the_reasons(client, questionnaire):
    html = client.get(reverse("assessments:landing"), **ENGLISH).content.decode()
    form = re.search(
        r'<form method="post" action="{}" class="actions">.*?</form>'.format(
            re.escape(reverse("assessments:start"))
        ),
        html,
        flags=re.S,
    )
    assert form, "the Start form is missing"
    assert 'name="csrfmiddlewaretoken"' in form.group(0)
    assert "Start the questionnaire</button>" in form.group(0)
    title = html.index("<h1>Is machine-learning engineering for you?</h1>")
    time = html.index("It takes about five minutes")
    assert title < time < form.start() < html.index('id="covers-heading"')


def test_the_landing_page_sums_up_the_questionnaire_below_start(client, questionnaire):
    html = client.get(reverse("assessments:landing"), **ENGLISH).content.decode()
    facts = re.search(r'<ul class="facts"[^>]*>(.*?)</ul>', html, flags=re.S).group(1)
    facts = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", facts)).strip()
    assert facts == (
        "30 statements On 5 short pages Anonymous No account, no name, no email "
        "Saved as you go Come back in this browser and carry on"
    )
