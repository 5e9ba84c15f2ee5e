"""Roles that fit and what to try next, from plain scored results: no database.

The roles, their levels and the experiments are the content file's; each
profile is a sincere person who leans the same way on every statement of a
reason (-2 fits as far as the scale goes .. +2 wears as far as it goes).
"""

from __future__ import annotations

import json
from dataclasses import replace
from types import MappingProxyType

import pytest
from django.utils import translation

from assessments import roles, scoring
from assessments.models import FrozenQuestionnaire, FrozenRole, Texts

from .conftest import CONTENT_FILE

CONTENT = FrozenQuestionnaire.from_document(json.loads(CONTENT_FILE.read_text(encoding="utf-8")))
REASONS = [reason.key for reason in CONTENT.reasons]
# Every value agreed with: forward and reverse-keyed statements contradict each other.
BOTH_WAYS = "both ways"


def profile(leans: dict[str, int | str], default: int = 0) -> scoring.Result:
    """Score someone who leans `leans[key]` steps on each reason (`default` elsewhere)."""
    inputs = []
    for reason in CONTENT.reasons:
        lean = leans.get(reason.key, default)
        answers = []
        for statement in reason.statements:
            if lean == BOTH_WAYS:
                value = 5
            else:
                value = 3 + lean if statement.direction == "forward" else 3 - lean
            answers.append(
                scoring.AnswerInput(
                    statement=str(statement.text),
                    value=value,
                    direction=statement.direction,
                    weight=statement.weight,
                    order=statement.order,
                )
            )
        inputs.append(
            scoring.ReasonInput(
                key=reason.key, title=reason.title, order=reason.order, answers=answers, ref=reason
            )
        )
    return scoring.score_submission(inputs)


def scored(scores: dict[str, int], band: scoring.Band) -> scoring.Result:
    """Return a result with the given scores, every reason in one band."""
    return scoring.Result(
        tuple(
            scoring.ReasonScore(
                key=reason.key,
                title=reason.title,
                order=reason.order,
                score=scores.get(reason.key, 0),
                band=band,
                signals=(),
                strengths=(),
                answered=len(reason.statements),
            )
            for reason in CONTENT.reasons
        )
    )


def suggested(result: scoring.Result, **options) -> list[str]:
    return [suggestion.role.key for suggestion in roles.suggest(result, CONTENT.roles, **options)]


def why_of(result: scoring.Result, key: str) -> str:
    [line] = [s.why for s in roles.suggest(result, CONTENT.roles, count=6) if s.role.key == key]
    return str(line)


def role(key: str, order: int, **demands: int) -> FrozenRole:
    return FrozenRole(
        key=key,
        order=order,
        title=Texts({"en": key.title(), "zh-hans": key}),
        summary=Texts({"en": "", "zh-hans": ""}),
        demands=MappingProxyType(
            {name.replace("_", "-"): level for name, level in demands.items()}
        ),
    )


LOVES_MODELLING = {"little-ml": 2}  # the rest fits (lean -1)
LOVES_PIPELINES = {
    "stakeholder-management": 2,
    "perseverance": -1,
    "change-and-rework": -1,
    "little-ml": -1,
}


# -- Which roles -----------------------------------------------------------------


def test_someone_who_loves_modelling_but_not_the_plumbing_is_pointed_at_research_first():
    result = profile(LOVES_MODELLING, default=-1)

    assert suggested(result)[0] == "research-scientist"


def test_someone_who_loves_pipelines_but_not_meetings_is_pointed_at_data_engineering_first():
    result = profile(LOVES_PIPELINES)

    assert suggested(result)[0] == "data-engineer"


def test_someone_whom_every_part_fits_is_pointed_at_ml_engineering_first():
    assert suggested(profile({}, default=-1)) == [
        "ml-engineer",
        "mlops-engineer",
        "data-engineer",
    ]


def test_someone_on_whom_every_part_wears_is_pointed_at_the_least_demanding_roles():
    result = profile({}, default=1)

    demanded = {r.key: sum(r.demands.values()) for r in CONTENT.roles}
    assert suggested(result) == ["backend-engineer", "analytics-engineer", "research-scientist"]
    assert [demanded[key] for key in suggested(result)] == [6, 7, 7]
    assert min(demanded.values()) == 6
    assert "ml-engineer" not in suggested(result, count=6)


def test_answers_that_lean_nowhere_suggest_no_role():
    assert roles.suggest(profile({}), CONTENT.roles) == []


def test_leans_too_weak_for_a_band_suggest_no_role():
    result = scored({"little-ml": 20, "constant-learning": -20}, scoring.Band.NO_LEAN)

    assert roles.suggest(result, CONTENT.roles) == []


def test_a_reason_with_answers_both_ways_counts_for_nothing():
    unclear = profile({**LOVES_MODELLING, "perseverance": BOTH_WAYS}, default=-1)
    neutral = profile({**LOVES_MODELLING, "perseverance": 0}, default=-1)

    assert unclear.reasons[1].band is scoring.Band.UNCLEAR
    assert [(s.role.key, s.match) for s in roles.suggest(unclear, CONTENT.roles, count=6)] == [
        (s.role.key, s.match) for s in roles.suggest(neutral, CONTENT.roles, count=6)
    ]
    assert "Perseverance" not in why_of(unclear, "research-scientist")


def test_only_unclear_reasons_suggest_no_role():
    assert roles.suggest(profile({}, default=BOTH_WAYS), CONTENT.roles) == []


def test_equal_matches_keep_the_content_order():
    result = profile({"stakeholder-management": 2})
    tied = [
        role("third", 3, stakeholder_management=0),
        role("first", 1, stakeholder_management=0),
        role("worst", 4, stakeholder_management=2),
        role("second", 2, stakeholder_management=0),
    ]

    assert [s.role.key for s in roles.suggest(result, tied)] == ["first", "second", "third"]


def test_a_role_no_better_than_the_worst_is_not_suggested():
    result = profile({"stakeholder-management": 2})
    same = [role("one", 1, stakeholder_management=1), role("two", 2, stakeholder_management=1)]

    assert roles.suggest(result, same) == []


def test_no_more_roles_than_asked_for_are_suggested():
    result = profile({}, default=-1)

    assert len(suggested(result)) == 3
    assert len(suggested(result, count=5)) == 5
    assert suggested(result, count=1) == ["ml-engineer"]


def test_a_part_that_wears_counts_twice_as_much_as_one_that_fits():
    # One reason at -50 (fits) and one at +50 (may wear): asking a lot of both loses.
    result = profile({"constant-learning": -1, "little-ml": 1})
    both = role("both", 1, little_ml=2, constant_learning=2)
    neither = role("neither", 2, little_ml=0, constant_learning=0)

    assert roles.match(both, roles.findings(result)) == 2 * 50 + 2 * (-2 * 50) == -100
    assert roles.match(neither, roles.findings(result)) == 0
    assert [s.role.key for s in roles.suggest(result, [both, neither])] == ["neither"]


def test_a_reason_a_role_gives_no_level_for_is_read_as_some_and_not_named():
    result = profile({"stakeholder-management": 2, "little-ml": -1})
    silent = role("silent", 1, little_ml=2)
    outspoken = role("outspoken", 2, little_ml=2, stakeholder_management=2)

    [suggestion] = roles.suggest(result, [silent, outspoken])

    assert suggestion.role is silent
    assert suggestion.match == 1 * -2 * 100 + 2 * 50
    assert str(suggestion.why) == "Asks a lot of what fits you (Little ML)."


# -- Why, in words ---------------------------------------------------------------


def test_the_research_role_says_it_asks_less_of_what_wears_and_a_lot_of_what_fits():
    line = why_of(profile(LOVES_MODELLING, default=-1), "research-scientist")

    assert line == (
        "Asks less of what may wear on you (Little ML) and a lot of what fits you "
        "(Constant learning and Perseverance)."
    )


def test_a_suggested_role_that_still_asks_a_lot_of_what_wears_says_so():
    line = why_of(profile(LOVES_MODELLING, default=-1), "ml-engineer")

    assert line == (
        "Asks a lot of what fits you (Constant learning, Perseverance, Change and rework and "
        "Stakeholder management). It still asks a lot of what may wear on you (Little ML)."
    )


def test_the_data_engineering_line_names_the_meetings_it_spares():
    line = why_of(profile(LOVES_PIPELINES), "data-engineer")

    assert line == (
        "Asks less of what may wear on you (Stakeholder management) and a lot of what fits you "
        "(Perseverance, Change and rework and Little ML)."
    )


def test_the_least_demanding_role_says_what_it_asks_less_of_and_what_it_still_asks():
    line = why_of(profile({}, default=1), "backend-engineer")

    assert line == (
        "Asks less of what may wear on you (Constant learning, Perseverance, Change and rework "
        "and Stakeholder management). It still asks a lot of what may wear on you (Little ML)."
    )


def test_the_strongest_reasons_are_named_first():
    result = profile({"little-ml": 2, "change-and-rework": 1, "stakeholder-management": -2})

    assert why_of(result, "research-scientist") == (
        "Asks less of what may wear on you (Little ML and Change and rework)."
    )


def test_the_why_lines_and_the_rule_read_in_chinese():
    with translation.override("zh-hans"):
        research = why_of(profile(LOVES_MODELLING, default=-1), "research-scientist")
        engineer = why_of(profile(LOVES_MODELLING, default=-1), "ml-engineer")
        rule = str(roles.RULE)

    assert research == (
        "对可能会让你心累的方面（真正做机器学习的时间很少）要求较少，"
        "对适合你的方面（不断学习和毅力）要求很多。"
    )
    assert engineer == (
        "对适合你的方面（不断学习、毅力、变化与返工和利益相关者管理）要求很多。"
        "不过，它对可能会让你心累的方面（真正做机器学习的时间很少）要求依然很多。"
    )
    assert rule.startswith("推荐岗位的依据")


def test_the_rule_says_in_plain_words_how_roles_are_chosen():
    rule = str(roles.RULE)

    assert "how much of each part of the job they ask" in rule
    assert "twice as much" in rule
    assert "none is suggested" in rule


def test_the_why_line_escapes_the_titles_it_quotes():
    result = profile({"little-ml": 2}, default=-1)
    reasons = [
        replace(reason, title="<b>Little</b> ML") if reason.key == "little-ml" else reason
        for reason in result.reasons
    ]

    line = why_of(scoring.Result(tuple(reasons)), "research-scientist")

    assert "&lt;b&gt;Little&lt;/b&gt; ML" in line


# -- What to try next -----------------------------------------------------------


def experiment_keys(result: scoring.Result, reasons=CONTENT.reasons, **options) -> list[str]:
    return [e.reason.key for e in roles.experiments(result, reasons, **options)]


def test_the_experiments_come_from_the_reasons_that_may_wear_strongest_first():
    result = profile({"stakeholder-management": 1, "little-ml": 2}, default=-1)

    found = roles.experiments(result, CONTENT.reasons)

    assert [e.reason.key for e in found] == ["little-ml", "stakeholder-management"]
    little_ml = CONTENT.reasons[4].experiment
    assert str(found[0]) == little_ml["en"]
    with translation.override("zh-hans"):
        assert str(found[0]) == little_ml["zh-hans"]


def test_at_most_three_experiments_are_listed_by_default():
    result = profile(
        {"constant-learning": 1, "perseverance": 2, "little-ml": 1, "change-and-rework": 2}
    )

    assert experiment_keys(result) == ["perseverance", "change-and-rework", "constant-learning"]
    assert len(experiment_keys(result, count=4)) == 4


def test_with_nothing_that_wears_the_experiments_test_the_parts_left_open():
    result = profile({"constant-learning": -2, "perseverance": -1})

    assert experiment_keys(result) == ["change-and-rework", "stakeholder-management", "little-ml"]


def test_the_open_parts_closest_to_wearing_come_first():
    result = scored(
        {"constant-learning": -10, "perseverance": 20, "change-and-rework": 5, "little-ml": 15},
        scoring.Band.NO_LEAN,
    )

    assert experiment_keys(result) == ["perseverance", "little-ml", "change-and-rework"]


def test_when_every_part_fits_there_is_nothing_to_try():
    assert experiment_keys(profile({}, default=-1)) == []


def test_reasons_with_answers_both_ways_get_no_experiment():
    assert experiment_keys(profile({}, default=BOTH_WAYS)) == []


def test_a_revision_without_experiments_lists_none():
    older = [replace(reason, experiment=Texts()) for reason in CONTENT.reasons]

    assert experiment_keys(profile({"little-ml": 2}), older) == []


@pytest.mark.parametrize("key", REASONS)
def test_every_reason_of_the_content_has_an_experiment_to_offer(key):
    assert experiment_keys(profile({key: 2})) == [key]
