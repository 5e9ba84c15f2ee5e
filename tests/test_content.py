"""Checks on the questionnaire content file.

These tests only use the standard library and the JSON file itself, so they run
without Django or a database. Every text is an object with an English ("en")
and a Simplified Chinese ("zh-hans") version.
"""

import json
import re
from pathlib import Path

CONTENT_PATH = (
    Path(__file__).resolve().parent.parent / "assessments" / "content" / "ml_engineering_fit.json"
)

EXPECTED_REASON_KEYS = [
    "constant-learning",
    "perseverance",
    "change-and-rework",
    "stakeholder-management",
    "little-ml",
]


class Text:
    """Marks a field holding {"en": ..., "zh-hans": ...}."""

    __name__ = "a text in English and Chinese"


LANGUAGES = ("en", "zh-hans")

QUESTIONNAIRE_FIELDS = {
    "slug": str,
    "title": Text,
    "intro": Text,
    "published": bool,
    "reasons": list,
}

REASON_FIELDS = {
    "key": str,
    "order": int,
    "title": Text,
    "summary": Text,
    "why_it_matters": Text,
    "advice": Text,
    "some_signs_from": int,
    "strong_signs_from": int,
    "statements": list,
}

STATEMENT_FIELDS = {
    "key": str,
    "order": int,
    "text": Text,
    "direction": str,
    "weight": int,
    "active": bool,
    "help_text": Text,
}

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CJK_RE = re.compile(r"[\u4e00-\u9fff]")


def load_content():
    with CONTENT_PATH.open(encoding="utf-8") as handle:
        return json.load(handle)


def reasons():
    return load_content()["questionnaire"]["reasons"]


def all_statements():
    return [statement for reason in reasons() for statement in reason["statements"]]


def has_type(value, expected):
    if expected is Text:
        return (
            isinstance(value, dict)
            and set(value) == set(LANGUAGES)
            and all(isinstance(text, str) for text in value.values())
        )
    # bool is a subclass of int in Python; do not let True pass as an order or weight.
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, expected)


def all_strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from all_strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from all_strings(item)


def test_content_file_is_two_space_indented_json_with_a_trailing_newline():
    raw = CONTENT_PATH.read_text(encoding="utf-8")
    expected = json.dumps(json.loads(raw), indent=2, ensure_ascii=False) + "\n"
    assert raw == expected


def test_format_version_is_two():
    content = load_content()
    assert has_type(content["format"], int)
    assert content["format"] == 2


def test_questionnaire_has_every_required_field_with_the_right_type():
    questionnaire = load_content()["questionnaire"]
    for field, expected in QUESTIONNAIRE_FIELDS.items():
        assert field in questionnaire, f"questionnaire is missing {field!r}"
        assert has_type(questionnaire[field], expected), (
            f"questionnaire.{field} is not {expected.__name__}"
        )


def test_questionnaire_slug_title_and_intro_are_filled_in():
    questionnaire = load_content()["questionnaire"]
    assert SLUG_RE.match(questionnaire["slug"])
    for field in ("title", "intro"):
        for language in LANGUAGES:
            assert questionnaire[field][language].strip(), f"{field} [{language}] is empty"


def test_there_are_exactly_the_five_reasons_in_the_article_order():
    found = sorted(reasons(), key=lambda reason: reason["order"])
    assert [reason["key"] for reason in found] == EXPECTED_REASON_KEYS
    assert [reason["order"] for reason in found] == [1, 2, 3, 4, 5]


def test_every_reason_has_every_required_field_with_the_right_type():
    for reason in reasons():
        for field, expected in REASON_FIELDS.items():
            assert field in reason, f"{reason.get('key')} is missing {field!r}"
            assert has_type(reason[field], expected), (
                f"{reason.get('key')}.{field} is not {expected.__name__}"
            )


def test_every_reason_has_non_empty_title_summary_explanation_and_advice():
    for reason in reasons():
        for field in ("title", "summary", "why_it_matters", "advice"):
            for language in LANGUAGES:
                assert reason[field][language].strip(), f"{reason['key']}.{field} [{language}]"


def test_band_thresholds_are_integers_with_some_signs_below_strong_signs():
    for reason in reasons():
        some = reason["some_signs_from"]
        strong = reason["strong_signs_from"]
        assert has_type(some, int) and has_type(strong, int), reason["key"]
        assert 1 <= some < strong <= 100, reason["key"]


def test_reason_summaries_are_at_most_160_characters():
    for reason in reasons():
        assert len(reason["summary"]["en"]) <= 160, reason["key"]
        assert len(reason["summary"]["zh-hans"]) <= 80, reason["key"]


def test_every_reason_has_at_least_five_statements():
    for reason in reasons():
        assert len(reason["statements"]) >= 5, reason["key"]


def test_every_reason_has_at_least_two_reverse_keyed_statements():
    for reason in reasons():
        reverse = [s for s in reason["statements"] if s["direction"] == "reverse"]
        assert len(reverse) >= 2, reason["key"]


def test_every_reason_has_at_least_two_forward_keyed_statements():
    for reason in reasons():
        forward = [s for s in reason["statements"] if s["direction"] == "forward"]
        assert len(forward) >= 2, reason["key"]


def test_every_statement_has_every_required_field_with_the_right_type():
    for statement in all_statements():
        for field, expected in STATEMENT_FIELDS.items():
            assert field in statement, f"{statement.get('key')} is missing {field!r}"
            assert has_type(statement[field], expected), (
                f"{statement.get('key')}.{field} is not {expected.__name__}"
            )


def test_statement_directions_are_only_forward_or_reverse():
    for statement in all_statements():
        assert statement["direction"] in {"forward", "reverse"}, statement["key"]


def test_statement_weights_are_integers_from_one_to_three():
    for statement in all_statements():
        weight = statement["weight"]
        assert has_type(weight, int), statement["key"]
        assert 1 <= weight <= 3, statement["key"]


def test_statement_keys_are_unique_across_the_whole_file():
    keys = [statement["key"] for statement in all_statements()]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    assert not duplicates, duplicates


def test_reason_and_statement_keys_are_slug_shaped():
    for reason in reasons():
        assert SLUG_RE.match(reason["key"]), reason["key"]
        for statement in reason["statements"]:
            assert SLUG_RE.match(statement["key"]), statement["key"]


def test_reason_orders_are_unique_and_consecutive_from_one():
    orders = sorted(reason["order"] for reason in reasons())
    assert orders == list(range(1, len(orders) + 1))


def test_statement_orders_are_unique_and_consecutive_from_one_within_each_reason():
    for reason in reasons():
        orders = sorted(statement["order"] for statement in reason["statements"])
        assert orders == list(range(1, len(orders) + 1)), reason["key"]


def test_statement_texts_are_non_empty_and_end_with_a_full_stop():
    for statement in all_statements():
        english, chinese = statement["text"]["en"], statement["text"]["zh-hans"]
        assert english.strip() and english == english.strip(), statement["key"]
        assert english.endswith("."), statement["key"]
        assert chinese.strip() and chinese == chinese.strip(), statement["key"]
        assert chinese.endswith("。"), statement["key"]


def test_statement_texts_are_short_enough_to_read_at_a_glance():
    for statement in all_statements():
        assert len(statement["text"]["en"]) <= 200, statement["key"]
        assert len(statement["text"]["zh-hans"]) <= 80, statement["key"]


def test_no_two_statements_share_the_same_text_in_either_language():
    for language in LANGUAGES:
        seen = {}
        for statement in all_statements():
            normalised = " ".join(statement["text"][language].lower().split())
            assert normalised not in seen, f"{statement['key']} repeats {seen.get(normalised)}"
            seen[normalised] = statement["key"]


def test_help_text_is_given_in_both_languages_or_in_neither():
    for statement in all_statements():
        english, chinese = statement["help_text"]["en"], statement["help_text"]["zh-hans"]
        assert bool(english.strip()) == bool(chinese.strip()), statement["key"]


def texts_in(language):
    """Yield every text of the file in one language."""

    def walk(node):
        if isinstance(node, dict) and set(node) == set(LANGUAGES):
            yield node[language]
        elif isinstance(node, dict):
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for item in node:
                yield from walk(item)

    return [text for text in walk(load_content()) if text]


def test_no_english_text_contains_chinese_characters():
    offending = [text for text in texts_in("en") if CJK_RE.search(text)]
    assert not offending, offending[:3]


def test_every_chinese_text_is_written_in_chinese():
    # Terms such as Python, SQL or API may appear, but never a whole English sentence.
    untranslated = [
        text
        for text in texts_in("zh-hans")
        if not CJK_RE.search(text) or re.search(r"[A-Za-z]+(?: [A-Za-z]+){3,}", text)
    ]
    assert not untranslated, untranslated[:3]


def test_chinese_texts_use_full_width_punctuation():
    offending = [text for text in texts_in("zh-hans") if re.search(r"[\u4e00-\u9fff][,;:?!]", text)]
    assert not offending, offending[:3]


# -- Roles and experiments --------------------------------------------------------

EXPECTED_ROLE_KEYS = [
    "ml-engineer",
    "data-engineer",
    "analytics-engineer",
    "research-scientist",
    "mlops-engineer",
    "backend-engineer",
]

ROLE_FIELDS = {"key": str, "order": int, "title": Text, "summary": Text, "demands": dict}


def roles():
    return load_content()["questionnaire"]["roles"]


def test_every_reason_has_one_thing_to_try_in_both_languages():
    for reason in reasons():
        assert has_type(reason["experiment"], Text), reason["key"]
        for language in LANGUAGES:
            text = reason["experiment"][language]
            assert text.strip() and text == text.strip(), f"{reason['key']} [{language}]"


def test_each_thing_to_try_is_one_or_two_short_sentences():
    for reason in reasons():
        english, chinese = reason["experiment"]["en"], reason["experiment"]["zh-hans"]
        assert english.endswith(".") and 1 <= english.count(". ") + 1 <= 2, reason["key"]
        assert chinese.endswith("。") and 1 <= chinese.count("。") <= 2, reason["key"]
        assert len(english) <= 220 and len(chinese) <= 90, reason["key"]


def test_there_are_the_six_neighbouring_roles_in_order():
    found = sorted(roles(), key=lambda role: role["order"])
    assert [role["key"] for role in found] == EXPECTED_ROLE_KEYS
    assert [role["order"] for role in found] == [1, 2, 3, 4, 5, 6]


def test_every_role_has_every_field_with_the_right_type_in_both_languages():
    for role in roles():
        assert set(role) == set(ROLE_FIELDS), role.get("key")
        for field, expected in ROLE_FIELDS.items():
            assert has_type(role[field], expected), f"{role['key']}.{field}"
        for field in ("title", "summary"):
            for language in LANGUAGES:
                assert role[field][language].strip(), f"{role['key']}.{field} [{language}]"


def test_role_summaries_are_one_line():
    for role in roles():
        english, chinese = role["summary"]["en"], role["summary"]["zh-hans"]
        assert english.endswith(".") and len(english) <= 200, role["key"]
        assert chinese.endswith("。") and len(chinese) <= 80, role["key"]


def test_every_role_says_how_much_it_asks_of_every_reason_on_the_three_levels():
    for role in roles():
        assert list(role["demands"]) == EXPECTED_REASON_KEYS, role["key"]
        for level in role["demands"].values():
            assert has_type(level, int) and level in (0, 1, 2), role["key"]


def test_ml_engineering_asks_a_lot_of_every_part_and_no_role_asks_more():
    levels = {role["key"]: role["demands"] for role in roles()}
    assert set(levels["ml-engineer"].values()) == {2}
    assert all(
        sum(demands.values()) < 10 for key, demands in levels.items() if key != "ml-engineer"
    )


def test_no_two_roles_ask_the_same_of_every_reason():
    profiles = [tuple(role["demands"].values()) for role in roles()]
    assert len(set(profiles)) == len(profiles)


def test_the_roles_are_honest_about_what_they_ask():
    levels = {role["key"]: role["demands"] for role in roles()}
    # Research is where modelling is the main work, but not all of it.
    assert levels["research-scientist"]["little-ml"] == 1
    assert min(demands["little-ml"] for demands in levels.values()) == 1
    # Data engineering is pipelines that break, with little modelling.
    assert levels["data-engineer"]["change-and-rework"] == 2
    assert levels["data-engineer"]["little-ml"] == 2
    # Analytics work is much conversation with the people asking the questions.
    assert levels["analytics-engineer"]["stakeholder-management"] == 2
