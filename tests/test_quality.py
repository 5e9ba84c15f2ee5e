"""The answer-quality check: plain values in, the patterns found and their explanation out."""

import pytest
from django.utils import translation

from assessments.quality import Flag, StepTiming, assess, explain, longest_run
from assessments.scoring import FORWARD, REVERSE

KEYS = ["learning", "stubborn"]


def paired(values):
    """Split eight answers into two reasons keyed forward, reverse, forward, reverse."""
    directions = [FORWARD, REVERSE, FORWARD, REVERSE]
    return [
        list(zip(values[:4], directions, strict=True)),
        list(zip(values[4:], directions, strict=True)),
    ]


def check(values, timings=()):
    return assess(values, paired(values), KEYS, timings)


SINCERE = [4, 2, 5, 1, 2, 4, 1, 5]


def test_sincere_answers_raise_no_flag():
    quality = check(SINCERE, [StepTiming(4, 20), StepTiming(4, 16)])
    assert quality.flags == ()
    assert not quality.is_low


def test_the_same_answer_everywhere_is_a_straight_line_and_contradicts_itself():
    quality = check([4] * 8)
    assert quality.flags == (Flag.STRAIGHT_LINE, Flag.CONTRADICTIONS)
    assert quality.contradictory == ("learning", "stubborn")
    assert quality.is_low


def test_a_run_of_eight_equal_answers_is_a_straight_line_in_a_longer_questionnaire():
    values = [4, 2] * 5 + [5] * 8 + [1, 4] * 5
    assert longest_run(values) == (8, 5)
    quality = assess(values, [], [])
    assert quality.flags == (Flag.STRAIGHT_LINE,)
    seven = [4, 2] * 5 + [5] * 7 + [1] + [4, 2] * 5
    assert assess(seven, [], []).flags == ()


def test_the_same_answer_on_two_statements_in_three_is_a_straight_line_without_a_run():
    values = [4, 4, 4, 4, 4, 4, 5] * 3 + [2, 1, 2]  # 18 of 24 "Agree", never 8 in a row
    quality = assess(values, [], [])
    assert quality.longest_run < 8
    assert (quality.flags, quality.run_value, quality.most_common) == ((Flag.STRAIGHT_LINE,), 4, 18)
    note = str(explain(quality, {})[0])
    assert note.startswith("You gave the same answer, “Agree”, to 18 of the 24 statements.")


def test_a_run_of_neutral_answers_is_counted_as_neutral_not_as_a_line():
    assert longest_run([3] * 12) == (0, 0)
    assert assess([3] * 12, [], []).flags == (Flag.MOSTLY_NEUTRAL,)


def test_all_neutral_answers_are_mostly_neutral_and_low_confidence():
    quality = check([3] * 8)
    assert quality.flags == (Flag.MOSTLY_NEUTRAL,)
    assert quality.neutral_share == 1.0
    assert quality.is_low


def test_a_few_neutral_answers_are_fine():
    values = [3, 3, 3, 3, 2, 4, 1, 5, 4, 2]  # 40% neutral
    assert Flag.MOSTLY_NEUTRAL not in assess(values, [], []).flags
    assert Flag.MOSTLY_NEUTRAL in assess([3] * 6 + [2, 4, 1, 5], [], []).flags  # 60%


def test_one_contradictory_reason_is_flagged_but_not_low_confidence():
    values = [4, 4, 5, 4] + [2, 4, 1, 5]
    quality = check(values)
    assert quality.flags == (Flag.CONTRADICTIONS,)
    assert quality.contradictory == ("learning",)
    assert not quality.is_low


def test_answering_faster_than_a_second_a_statement_on_median_is_speeding():
    fast = [StepTiming(6, 4.0), StepTiming(6, 5.0), StepTiming(6, 40.0)]
    quality = check(SINCERE, fast)
    assert quality.seconds_per_statement == pytest.approx(5.0 / 6)
    assert quality.flags == (Flag.SPEEDING,)
    assert quality.is_low


def test_a_steady_pace_or_an_unknown_one_is_not_speeding():
    assert check(SINCERE, [StepTiming(6, 9.0), StepTiming(6, 12.0)]).flags == ()
    unknown = check(SINCERE, [])
    assert unknown.seconds_per_statement is None
    assert unknown.flags == ()


def test_the_explanation_names_each_pattern_in_plain_words():
    values = [5] * 8
    quality = check(values, [StepTiming(4, 1.2), StepTiming(4, 2.0)])
    notes = [str(note) for note in explain(quality, {"learning": "Learning", "stubborn": "Grit"})]
    assert notes[0].startswith("You gave the same answer, “Strongly agree”, to every statement.")
    assert "Your answers in Learning and Grit contradict each other" in notes[1]
    assert notes[2].startswith("You took about 0.4 seconds a statement")
    assert len(notes) == 3


def test_the_explanation_gives_the_share_of_neutral_answers_and_the_length_of_a_run():
    neutral = explain(check([3] * 8), {})
    assert str(neutral[0]).startswith("100% of your answers were “Neither agree nor disagree”.")
    run = explain(assess([2, 4] + [4] * 10 + [2, 4], [], []), {})
    assert str(run[0]).startswith("You gave the same answer, “Agree”, to 11 statements in a row.")


def test_the_explanation_escapes_the_names_it_is_given():
    quality = check([4, 4, 5, 4] + [2, 4, 1, 5])
    note = str(explain(quality, {"learning": "<b>Learning</b>"})[0])
    assert "&lt;b&gt;Learning&lt;/b&gt;" in note


def test_the_explanation_is_in_chinese_on_a_chinese_page():
    with translation.override("zh-hans"):
        notes = [str(note) for note in explain(check([3] * 8), {})]
    assert "100%" in notes[0]
    assert "Neither" not in notes[0]
