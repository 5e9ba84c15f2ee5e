"""The README's table of answer patterns and their outcomes, checked against the code.

Each pattern is a way of answering the default questionnaire; the table
gives the bands, the quality flags and the first sentence it gets. To
refresh the table after changing the scoring or the content, run
`.venv/bin/python tests/test_patterns.py` and paste its output between the
markers in the README.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START, END = "<!-- patterns:start -->", "<!-- patterns:end -->"
# A careful pace: 8 seconds a statement on every step.
CAREFUL, HURRIED = 8.0, 0.6


def profile(frozen, leans: dict[str, int], default: int = -1) -> list[int]:
    """Answer as someone whose lean on each reason is `leans[key]` steps (-2..2), sincerely."""
    values = []
    for reason in frozen.reasons:
        lean = leans.get(reason.key, default)
        for statement in reason.statements:
            value = 3 + lean if statement.direction == "forward" else 3 - lean
            values.append(value)
    return values


def patterns(frozen):
    """Return (name, answers, seconds a statement) for each row of the table."""
    count = frozen.statement_count
    keys = [reason.key for reason in frozen.reasons]
    one_reason_both_ways = profile(frozen, {})
    for statement in frozen.reasons[1].statements:
        one_reason_both_ways[statement.position] = 5 if statement.direction == "forward" else 4
    half_neutral = profile(frozen, {keys[3]: 1}, default=0)
    return [
        ("All “Neither agree nor disagree”", [3] * count, CAREFUL),
        ("All “Agree”", [4] * count, CAREFUL),
        ("All “Strongly disagree”", [1] * count, CAREFUL),
        (
            "“Disagree” on two statements in three, the rest neutral",
            [2 if i % 3 else 3 for i in range(count)],
            CAREFUL,
        ),
        ("Fits every reason, one step from neutral", profile(frozen, {}), CAREFUL),
        ("Fits every reason, answered in 0.6 s a statement", profile(frozen, {}), HURRIED),
        ("One clear reason (stakeholders), the rest fit", profile(frozen, {keys[3]: 2}), CAREFUL),
        (
            "Two reasons (learning strongly, little ML mildly)",
            profile(frozen, {keys[0]: 2, keys[4]: 1}),
            CAREFUL,
        ),
        ("Two reasons, equally", profile(frozen, {keys[1]: 2, keys[2]: 2}), CAREFUL),
        (
            "Three reasons, the rest fit",
            profile(frozen, {keys[0]: 1, keys[2]: 2, keys[3]: 2}),
            CAREFUL,
        ),
        (
            "Agrees with both sides of one reason (perseverance), fits the rest",
            one_reason_both_ways,
            CAREFUL,
        ),
        ("One lean (stakeholders), everything else neutral", half_neutral, CAREFUL),
    ]


def outcomes(frozen):
    from assessments.models.submissions import assess, score
    from assessments.quality import StepTiming
    from assessments.summary import headline

    rows = []
    for name, values, pace in patterns(frozen):
        timings = [StepTiming(len(r.statements), pace * len(r.statements)) for r in frozen.reasons]
        result = score(frozen, values)
        quality = assess(frozen, values, timings)
        sentence = re.sub(r"<[^>]+>", "", str(headline(result, quality)))
        bands = " · ".join(
            f"{reason.band_label} {reason.signed_score}" for reason in result.reasons
        )
        flags = ", ".join(quality.flags) or "none"
        rows.append(f"| {name} | {bands} | {flags} | {sentence} |")
    return rows


def render_table(frozen) -> str:
    titles = " · ".join(str(reason.title) for reason in frozen.reasons)
    header = [
        f"| Answers | Bands and scores ({titles}) | Quality flags | First sentence |",
        "| --- | --- | --- | --- |",
    ]
    return "\n".join(header + outcomes(frozen))


def default_questionnaire():
    from django.utils import translation

    from assessments.models.revisions import FrozenQuestionnaire

    translation.activate("en")
    document = json.loads((ROOT / "assessments/content/ml_engineering_fit.json").read_text())
    return FrozenQuestionnaire.from_document(document)


def test_the_readme_pattern_table_matches_what_the_code_gives():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split(START, 1)[1].split(END, 1)[0].strip()
    assert table == render_table(default_questionnaire())


def test_the_table_covers_neutral_careless_contradictory_hurried_and_clear_answers():
    table = render_table(default_questionnaire())
    for flag in ("mostly-neutral", "straight-line", "contradictions", "speeding"):
        assert flag in table
    all_neutral = table.splitlines()[2]
    assert "May wear" not in all_neutral and "Likely" not in all_neutral
    assert "do not give a clear picture" in all_neutral


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mlfit.settings")
    django.setup()
    print(render_table(default_questionnaire()))
