"""The blind content panel: personas with known true reasons, answered blind, scored.

`tests/panel/personas.json` holds 16 personas written from the five reasons
alone, each with the reasons that truly apply to it. Each was answered by a
separate panel member who saw only that persona and the statements' English
texts in a shuffled order (`tests/panel/answers.json`, by statement key).
Here they are scored with the questionnaire's own content and scoring, so a
change to either that makes the statements measure the reasons less well
fails these tests. Run `.venv/bin/python tests/test_panel.py` for the figures.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PANEL = ROOT / "tests" / "panel"
SINCERE_KINDS = {"one-reason", "two-reasons", "none", "all", "unsure"}


def panel_results():
    """Return (persona, result, quality) for each persona, at a careful pace of 8 s a statement."""
    from django.utils import translation

    from assessments.models.revisions import FrozenQuestionnaire
    from assessments.models.submissions import assess, score
    from assessments.quality import StepTiming

    translation.activate("en")
    document = json.loads((ROOT / "assessments/content/ml_engineering_fit.json").read_text())
    frozen = FrozenQuestionnaire.from_document(document)
    positions = {statement.key: statement.position for statement in frozen.statements}
    answers = json.loads((PANEL / "answers.json").read_text())
    timings = [StepTiming(len(r.statements), 8.0 * len(r.statements)) for r in frozen.reasons]
    rows = []
    for persona in json.loads((PANEL / "personas.json").read_text()):
        values = [0] * frozen.statement_count
        for key, value in answers[persona["key"]].items():
            values[positions[key]] = value
        rows.append((persona, score(frozen, values), assess(frozen, values, timings)))
    return rows


def figures(rows):
    """Return top-1 and top-2 agreement, and how often each reason was flagged where it does not apply."""
    with_reasons = [(p, r) for p, r, q in rows if p["applies"] and len(p["applies"]) < 5]
    top1 = sum(r.ranked[0].key in p["applies"] for p, r in with_reasons) / len(with_reasons)
    top2 = sum(
        {x.key for x in r.ranked[: len(p["applies"])]} == set(p["applies"])
        if len(p["applies"]) == 2
        else p["applies"][0] in {x.key for x in r.ranked[:2]}
        for p, r in with_reasons
    ) / len(with_reasons)
    false_flags = {}
    for key in [reason.key for reason in rows[0][1].reasons]:
        others = [(p, r) for p, r, q in rows if key not in p["applies"]]
        flagged = [
            p["key"] for p, r in others if any(x.key == key and x.is_flagged for x in r.reasons)
        ]
        false_flags[key] = (len(flagged), len(others), flagged)
    return top1, top2, false_flags


def test_every_persona_was_answered_on_every_statement():
    answers = json.loads((PANEL / "answers.json").read_text())
    personas = json.loads((PANEL / "personas.json").read_text())
    assert len(personas) >= 12
    assert {p["key"] for p in personas} == set(answers)
    for rows in answers.values():
        assert len(rows) == 30 and set(rows.values()) <= {1, 2, 3, 4, 5}


def test_the_reason_that_applies_comes_first_for_every_persona_with_one_or_two():
    top1, top2, _ = figures(panel_results())
    assert top1 >= 0.9
    assert top2 >= 0.9


def test_no_reason_is_flagged_for_a_tenth_or_more_of_the_personas_it_does_not_apply_to():
    _, _, false_flags = figures(panel_results())
    for key, (flagged, out_of, names) in false_flags.items():
        assert flagged / out_of < 0.10, (key, names)


def test_sincere_personas_get_exactly_their_reasons_flagged():
    for persona, result, quality in panel_results():
        if persona["kind"] in SINCERE_KINDS - {"unsure"}:
            assert {r.key for r in result.flagged} == set(persona["applies"]), persona["key"]
            assert not quality.flags, persona["key"]


def test_the_unsure_and_the_click_through_personas_are_told_their_answers_are_unclear():
    rows = {persona["key"]: (result, quality) for persona, result, quality in panel_results()}
    unsure, unsure_quality = rows["school-leaver-cannot-tell"]
    assert unsure_quality.flags == ("mostly-neutral",) and not unsure.flagged
    _, agreeing = rows["careless-agrees-with-everything"]
    assert agreeing.is_low and "straight-line" in agreeing.flags


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mlfit.settings")
    django.setup()
    rows = panel_results()
    for persona, result, quality in rows:
        bands = ", ".join(f"{r.key} {r.signed_score} {r.band.name}" for r in result.reasons)
        print(
            f"{persona['key']} ({persona['kind']}; applies: {persona['applies']}): {bands}; {quality.flags}"
        )
    top1, top2, false_flags = figures(rows)
    print(f"top-1 agreement {top1:.0%}, top-2 agreement {top2:.0%}")
    for key, (flagged, out_of, names) in false_flags.items():
        print(f"{key}: flagged for {flagged} of {out_of} personas it does not apply to {names}")
