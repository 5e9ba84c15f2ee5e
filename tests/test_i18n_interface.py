"""The interface in English and Simplified Chinese: the catalogue, the pages, the switcher.

The content (statements, reasons, the introduction) is translated in the
database; these tests are about the strings marked for translation in the
templates and the code, whose Chinese lives in locale/zh_Hans/LC_MESSAGES.
"""

from __future__ import annotations

import ast
import gettext
import os
import re
import shutil
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.management import call_command
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import translation

from .conftest import answer_step, check_url, confirm, start, statements_of, step_url

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
ENGLISH_CATALOGUE = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"

# What `makemessages` is run on: the project, less what is not ours or not shipped.
NOT_EXTRACTED = ("tests", "staticfiles", "test-artifacts", "static", "locale")

CHINESE = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


# -- Reading a catalogue -----------------------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str = ""
    msgctxt: str | None = None
    msgstr: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr)


def read_catalogue(path: Path) -> list[Entry]:
    """Return the entries of a .po file, the header (empty msgid) included."""
    entries: list[Entry] = []
    entry = Entry()
    keyword = None
    started = False

    def finish() -> None:
        nonlocal entry, started, keyword
        if started:
            entries.append(entry)
        entry, started, keyword = Entry(), False, None

    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line:
            finish()
            continue
        if line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#~"):
            entry.obsolete = True
            line = line[2:].strip()
            if not line:
                continue
        elif line.startswith("#"):
            continue
        if line.startswith('"'):
            value = ast.literal_eval(line)
        else:
            keyword, _, rest = line.partition(" ")
            value = ast.literal_eval(rest.strip())
            started = True
            if keyword.startswith("msgstr"):
                entry.msgstr.append("")
        if keyword == "msgid":
            entry.msgid += value
        elif keyword == "msgid_plural":
            entry.msgid_plural += value
        elif keyword == "msgctxt":
            entry.msgctxt = (entry.msgctxt or "") + value
        elif keyword and keyword.startswith("msgstr"):
            entry.msgstr[-1] += value
    finish()
    return entries


def messages(path: Path) -> list[Entry]:
    """Return the catalogue's messages: no header, no obsolete entries."""
    return [entry for entry in read_catalogue(path) if entry.msgid and not entry.obsolete]


def describe(entry: Entry) -> str:
    return f"{entry.msgctxt + ' | ' if entry.msgctxt else ''}{entry.msgid!r}"


# -- Looking for English in a page ------------------------------------------------

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|<[^>]+>")


def english_phrases() -> set[str]:
    """Return the catalogue's English phrases of more than three words.

    A message is cut at its placeholders and tags, so that "Your answer:
    <strong>%(label)s</strong>" is looked for as "Your answer:". Short phrases
    ("Next", "Agree") are left out: they could turn up inside other text.
    """
    phrases = set()
    for entry in messages(CATALOGUE):
        for source in (entry.msgid, entry.msgid_plural):
            for piece in PLACEHOLDER.split(source):
                piece = " ".join(piece.split()).strip(" ,.:;?!")
                if len(piece.split()) > 3:
                    phrases.add(piece)
    return phrases


class PageText(HTMLParser):
    """Collect what a person can read or hear: text, and the attributes read aloud."""

    READ_ALOUD = ("aria-label", "title", "alt", "placeholder", "content")

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.html_lang: str | None = None

    def handle_starttag(self, tag, attrs) -> None:
        attributes = dict(attrs)
        if tag == "html":
            self.html_lang = attributes.get("lang")
        self.parts.extend(attributes[name] or "" for name in self.READ_ALOUD if name in attributes)

    def handle_data(self, data) -> None:
        self.parts.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.parts).split())


def read_page(html: str) -> PageText:
    page = PageText()
    page.feed(html)
    return page


def english_in(html: str) -> set[str]:
    text = read_page(html).text
    return {phrase for phrase in english_phrases() if phrase in text}


# -- The catalogue -----------------------------------------------------------------


def test_every_interface_string_has_a_chinese_translation_and_none_is_fuzzy():
    entries = messages(CATALOGUE)
    assert len(entries) > 50
    untranslated = [describe(entry) for entry in entries if not entry.translated]
    fuzzy = [describe(entry) for entry in entries if "fuzzy" in entry.flags]
    assert untranslated == [], "No Chinese for:\n" + "\n".join(untranslated)
    assert fuzzy == [], "Fuzzy (unchecked) translations:\n" + "\n".join(fuzzy)


def test_the_chinese_catalogue_declares_chinese_plural_forms_and_utf8():
    header = read_catalogue(CATALOGUE)[0]
    assert header.msgid == ""
    assert "fuzzy" not in header.flags
    assert "Plural-Forms: nplurals=1; plural=0;" in header.msgstr[0]
    assert "charset=UTF-8" in header.msgstr[0]
    plurals = [entry for entry in messages(CATALOGUE) if entry.msgid_plural]
    assert plurals, "the catalogue should hold the plural messages"
    assert all(len(entry.msgstr) == 1 for entry in plurals)


def test_chinese_translations_keep_every_placeholder_and_tag_of_the_english():
    for entry in messages(CATALOGUE):
        wanted = sorted(PLACEHOLDER.findall(entry.msgid_plural or entry.msgid))
        for translated in entry.msgstr:
            assert sorted(PLACEHOLDER.findall(translated)) == wanted, describe(entry)


@pytest.mark.parametrize("po", [CATALOGUE, ENGLISH_CATALOGUE], ids=["zh_Hans", "en"])
def test_each_catalogue_is_committed_compiled_and_its_compiled_form_is_up_to_date(po):
    mo = po.with_suffix(".mo")
    assert mo.is_file(), f"{mo} is missing: run manage.py compilemessages"
    with mo.open("rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)._catalog
    for entry in messages(po):
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        if not entry.translated:
            # msgfmt leaves untranslated messages out; Django then shows the English.
            assert key not in catalog and (key, 0) not in catalog, describe(entry)
        elif entry.msgid_plural:
            compiled_forms = [catalog.get((key, n)) for n in range(len(entry.msgstr))]
            assert compiled_forms == entry.msgstr, f"{mo.name} is stale: {describe(entry)}"
        else:
            assert catalog.get(key) == entry.msgstr[0], f"{mo.name} is stale: {describe(entry)}"


def test_the_compiled_catalogue_is_the_one_django_uses():
    with translation.override("zh-hans"):
        assert translation.gettext("Start the questionnaire") == "开始答题"
        assert translation.ngettext(
            "%(count)s statement still needs an answer",
            "%(count)s statements still need an answer",
            3,
        ) % {"count": 3} == ("还有 3 条说法没有作答")


def require_gettext_tools() -> None:
    """Skip the test without GNU gettext, unless CI says it must run."""
    if shutil.which("xgettext") and shutil.which("msgmerge") and shutil.which("msguniq"):
        return
    message = (
        "GNU gettext is not installed, so the catalogue cannot be checked against the "
        "source. Install it with `sudo apt-get install gettext`."
    )
    # CI sets MLFIT_REQUIRE_GETTEXT=1 so that this check can never be skipped there.
    if os.environ.get("MLFIT_REQUIRE_GETTEXT") == "1":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def test_every_string_marked_in_the_source_is_in_the_catalogue_with_a_translation(
    tmp_path, monkeypatch, settings
):
    """Extract the strings again from a copy of the project, as makemessages would.

    A string marked for translation but missing from the committed catalogue,
    or whose English changed so that its old translation no longer applies,
    fails here. So does a catalogue entry whose string the source no longer uses.
    """
    require_gettext_tools()
    project = tmp_path / "project"
    project.mkdir()
    for item in ROOT.iterdir():
        if item.name.startswith(".") or item.name in NOT_EXTRACTED:
            continue
        if item.name.endswith((".egg-info", ".sqlite3")):
            continue
        if item.is_dir():
            shutil.copytree(item, project / item.name, ignore=shutil.ignore_patterns("__pycache__"))
        elif item.suffix in {".py", ".html", ".txt"}:
            shutil.copy2(item, project / item.name)
    shutil.copytree(ROOT / "locale", project / "locale")
    settings.LOCALE_PATHS = [project / "locale"]
    monkeypatch.chdir(project)

    call_command("makemessages", locale=["zh_Hans"], no_location=True, verbosity=0)

    extracted = read_catalogue(project / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")
    current = [entry for entry in extracted if entry.msgid and not entry.obsolete]
    missing = [describe(e) for e in current if not e.translated or "fuzzy" in e.flags]
    stale = [describe(e) for e in extracted if e.obsolete]
    assert missing == [], (
        "Marked for translation but without Chinese in locale/zh_Hans (run makemessages, "
        "translate, compilemessages):\n" + "\n".join(missing)
    )
    assert stale == [], "In the catalogue but no longer in the source:\n" + "\n".join(stale)


# -- Every page in Chinese ----------------------------------------------------------


def pages(client: Client, questionnaire, headers: dict) -> dict[str, str]:
    """Walk the respondent's pages in one language; return {name: html}."""
    seen: dict[str, str] = {}

    def look(name: str, response, status: int = 200) -> None:
        assert response.status_code == status, (name, response.status_code)
        seen[name] = response.content.decode()

    look("landing", client.get(reverse("assessments:landing"), **headers))
    submission = start(client)
    look("step", client.get(step_url(submission, 1), **headers))
    look("landing in progress", client.get(reverse("assessments:landing"), **headers))
    look(
        "step with errors",
        client.post(step_url(submission, 1), {"action": "next"}, **headers),
    )
    for reason in submission.frozen.reasons:
        answer_step(client, submission, reason.number, 4)
    # Every answer "Agree": the check page also shows its answer-quality notice.
    look("check answers", client.get(check_url(submission), **headers))
    look(
        "step changed from the check page",
        client.get(f"{step_url(submission, 2)}?checking", **headers),
    )
    confirm(client, submission)
    look("results", client.get(submission.get_absolute_url(), **headers))
    look(
        "finished (409)",
        client.post(step_url(submission, 1), {"action": "next"}, **headers),
        409,
    )
    stranger = Client()
    look("shared results", stranger.get(submission.get_absolute_url(), **headers))
    unfinished = start(Client())
    look("another browser (403)", stranger.get(step_url(unfinished, 1), **headers), 403)
    look(
        "not found (404)",
        stranger.get(
            reverse("assessments:results", args=["00000000-0000-4000-8000-000000000000"]),
            **headers,
        ),
        404,
    )
    return seen


def test_every_page_in_chinese_has_chinese_html_lang_and_no_english_interface_text(
    questionnaire, respondent
):
    chinese = pages(respondent, questionnaire, CHINESE)
    for name, html in chinese.items():
        assert read_page(html).html_lang == "zh-hans", name
        assert english_in(html) == set(), f"English interface text on the {name} page"


def test_every_page_in_english_shows_the_english_interface_text(questionnaire, respondent):
    """The check above would find English if there were any: here it does."""
    english = pages(respondent, questionnaire, ENGLISH)
    for name, html in english.items():
        assert read_page(html).html_lang == "en", name
        assert english_in(html), f"no interface text found on the {name} page"
    assert "How much does each statement sound like you" in english_in(english["step"])


def test_the_step_with_errors_counts_the_missing_answers_in_chinese(questionnaire, respondent):
    submission = start(respondent)
    first, *rest = statements_of(submission, 1)
    response = respondent.post(
        step_url(submission, 1), {f"q{first.position}": "4", "action": "next"}, **CHINESE
    )
    html = response.content.decode()
    assert f"还有 {len(rest)} 条说法没有作答" in html
    assert "请为这条说法选择一个回答。" in html
    assert f"<title>错误：第 1 步，共 {len(submission.frozen.reasons)} 步 · mlfit</title>" in html


def test_the_answer_scale_is_in_chinese_on_a_step_and_in_the_results(
    completed_submission, respondent
):
    html = respondent.get(completed_submission.get_absolute_url(), **CHINESE).content.decode()
    # Every statement was answered "Agree", so every reason is quoted both ways and contradicts.
    assert "你的回答：<strong>同意</strong>" in html
    # Each reason's detail says it once; the chart and its table say it too.
    assert html.count('<span class="band-label">无法判断</span>') == 5
    assert html.count(">无法判断</text>") == 5


def test_the_step_offers_the_five_answers_in_chinese(submission, respondent):
    html = respondent.get(step_url(submission, 1), **CHINESE).content.decode()
    for label in ("非常不同意", "不同意", "既不同意也不反对", "同意", "非常同意"):
        assert f">{label}</label>" in html


def test_a_chinese_browser_asking_for_zh_cn_gets_simplified_chinese(questionnaire, respondent):
    response = respondent.get(
        reverse("assessments:landing"), HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9,en;q=0.8"
    )
    assert read_page(response.content.decode()).html_lang == "zh-hans"


@pytest.mark.parametrize("template", ["400.html", "500.html", "503.html"])
def test_the_pages_rendered_without_a_request_follow_the_active_language(template):
    with translation.override("zh-hans"):
        html = render_to_string(template)
    assert read_page(html).html_lang == "zh-hans"
    assert english_in(html) == set()
    # Without a request there is no CSRF token, so no switcher that could only fail.
    assert switcher_buttons(html) == []
    with translation.override("en"):
        html = render_to_string(template)
    assert read_page(html).html_lang == "en"
    assert english_in(html)


def test_the_admin_lockout_page_is_in_chinese_too(rf):
    request = rf.get("/admin/login/")
    with translation.override("zh-hans"):
        html = render_to_string("locked_out.html", request=request)
    assert read_page(html).html_lang == "zh-hans"
    assert "登录失败的次数太多了" in html
    assert english_in(html) == set()
    assert len(switcher_buttons(html)) == 2


# -- The language switcher ----------------------------------------------------------


def switcher_buttons(html: str) -> list[str]:
    return re.findall(r"<button[^>]*class=\"language-option[^\"]*\"[^>]*>.*?</button>", html)


def test_every_page_offers_both_languages_each_named_in_its_own_language(questionnaire, respondent):
    for name, html in pages(respondent, questionnaire, ENGLISH).items():
        buttons = switcher_buttons(html)
        assert len(buttons) == 2, name
        english, chinese = buttons
        assert 'aria-current="true"' in english and "disabled" in english, name
        assert '<span lang="en">English</span>' in english
        assert 'name="language" value="zh-hans"' in chinese
        assert '<span lang="zh-hans">简体中文</span>' in chinese
        assert 'action="/i18n/setlang/"' in html


def test_choosing_chinese_turns_the_next_page_chinese_and_remembers_it(questionnaire, respondent):
    response = respondent.post(
        reverse("set_language"), {"language": "zh-hans", "next": "/"}, **ENGLISH
    )

    assert response.status_code == 302
    assert response["Location"] == "/"
    # The cookie wins over the browser's own preference from now on.
    html = respondent.get("/", **ENGLISH).content.decode()
    assert read_page(html).html_lang == "zh-hans"
    assert "开始答题" in html
    buttons = switcher_buttons(html)
    assert 'aria-current="true"' in buttons[1]


def test_choosing_english_again_switches_back(questionnaire, respondent):
    respondent.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    respondent.post(reverse("set_language"), {"language": "en", "next": "/"})

    html = respondent.get("/", **CHINESE).content.decode()
    assert read_page(html).html_lang == "en"
    assert "Start the questionnaire" in html


def test_the_switcher_returns_to_the_page_it_was_used_on(completed_submission, respondent):
    results = completed_submission.get_absolute_url()
    html = respondent.get(results).content.decode()
    assert f'<input type="hidden" name="next" value="{results}">' in html

    response = respondent.post(reverse("set_language"), {"language": "zh-hans", "next": results})
    assert response["Location"] == results


def test_on_a_step_the_language_buttons_send_the_step_form_so_answers_are_kept(
    submission, respondent
):
    """Without JavaScript: the buttons belong to the step's form and post to the step."""
    answer_step(respondent, submission, 1, 4)
    html = respondent.get(step_url(submission, 2)).content.decode()

    assert (
        f'<form method="post" action="{step_url(submission, 2)}" class="step-form" id="step-form"'
        in html
    )
    (chinese,) = [button for button in switcher_buttons(html) if 'value="zh-hans"' in button]
    assert 'form="step-form"' in chinese
    assert f'formaction="{step_url(submission, 2)}"' in chinese
    assert 'name="language"' in chinese
    # Enter sends a form with its first button: an unseen Next comes before the languages.
    default = '<button type="submit" form="step-form" name="action" value="next" hidden'
    assert html.index(default) < html.index('class="language-option')


def test_off_the_steps_the_language_buttons_send_their_own_form(completed_submission, respondent):
    html = respondent.get(completed_submission.get_absolute_url()).content.decode()
    assert 'form="step-form"' not in html
    assert "formaction" not in html
