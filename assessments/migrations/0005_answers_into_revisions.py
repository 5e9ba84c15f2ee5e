"""Turn each submission's copy of the questionnaire into a shared revision.

Until now every submission copied the reasons and statements it answered
(AnsweredReason, Answer). Here each submission's copy becomes a revision
document, submissions whose copies are identical share one revision, and the
answers become one digit per statement of that revision. Then the working copy
is published as the latest revision, unless the latest already says the same.

An unfinished submission keeps what it answered and gets, for what it has not
answered yet, the reasons and statements it would have been asked next.

The logic is frozen here on purpose (no import of the app's code): a
migration must keep doing what it did when the app changes later.
"""

import hashlib
import json

from django.conf import settings
from django.db import migrations

LANGUAGES = [code for code, _ in settings.LANGUAGES]
REASON_TEXTS = ("title", "summary", "why_it_matters", "advice")
BAND_TEXTS = ("band_little", "band_some", "band_strong")


def column(field, code):
    return f"{field}_{code.replace('-', '_')}"


def texts(instance, field):
    """{language: text}, "" where a language has none, as the data-file export writes it."""
    return {code: getattr(instance, column(field, code)) or "" for code in LANGUAGES}


def digest_of(document):
    canonical = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def live_statement(question):
    return {
        "key": question.key,
        "order": question.order,
        "direction": question.direction,
        "weight": question.weight,
        "text": texts(question, "statement"),
        "help_text": texts(question, "help_text"),
    }


def live_reason(reason, questions):
    return {
        "key": reason.key,
        "order": reason.order,
        "some_signs_from": reason.some_signs_from,
        "strong_signs_from": reason.strong_signs_from,
        **{field: texts(reason, field) for field in REASON_TEXTS},
        "statements": [live_statement(question) for question in questions],
    }


def document(questionnaire, bands_from, reasons):
    return {
        "format": 2,
        "questionnaire": {
            "slug": questionnaire.slug,
            "title": texts(questionnaire, "title"),
            "intro": texts(questionnaire, "intro"),
            **{field: texts(bands_from, field) for field in BAND_TEXTS},
            "reasons": reasons,
        },
    }


def forward(apps, schema_editor):
    Questionnaire = apps.get_model("assessments", "Questionnaire")
    Question = apps.get_model("assessments", "Question")
    Submission = apps.get_model("assessments", "Submission")
    AnsweredReason = apps.get_model("assessments", "AnsweredReason")
    Answer = apps.get_model("assessments", "Answer")
    Revision = apps.get_model("assessments", "Revision")

    for questionnaire in Questionnaire.objects.order_by("pk"):
        live = []  # (reason, its active questions), in the order respondents see them
        for reason in questionnaire.reasons.order_by("order", "pk"):
            questions = list(
                Question.objects.filter(category=reason, active=True).order_by("order", "pk")
            )
            if questions:
                live.append((reason, questions))
        live_document = document(
            questionnaire, questionnaire, [live_reason(r, qs) for r, qs in live]
        )

        # digest -> [document, earliest start, [(submission, digits), ...]]
        shared = {}
        for submission in Submission.objects.filter(questionnaire=questionnaire).order_by(
            "started_at", "pk"
        ):
            snapshots = list(AnsweredReason.objects.filter(submission=submission).order_by("order", "pk"))
            reasons, values = [], []
            answered_keys = set()
            for snapshot in snapshots:
                answers = list(Answer.objects.filter(reason=snapshot).select_related("question").order_by("order", "pk"))
                statements, used_keys = [], set()
                for answer in answers:
                    question = answer.question
                    if question is not None:
                        key = question.key
                        help_text = texts(question, "help_text")
                    else:
                        # The statement was deleted: a stable key from its words.
                        key = "gone-" + hashlib.sha1(answer.statement_en.encode()).hexdigest()[:10]
                        help_text = {code: "" for code in LANGUAGES}
                    while key in used_keys:
                        key += "-x"
                    used_keys.add(key)
                    statements.append(
                        {
                            "key": key,
                            "order": answer.order,
                            "direction": answer.direction,
                            "weight": answer.weight,
                            "text": texts(answer, "statement"),
                            "help_text": help_text,
                        }
                    )
                    values.append(answer.value)
                if submission.completed_at is None and snapshot.category_id is not None:
                    # Still to answer: statements of this reason not answered yet.
                    answered = {answer.question_id for answer in answers}
                    for reason, questions in live:
                        if reason.pk == snapshot.category_id:
                            for question in questions:
                                if question.pk not in answered and question.key not in used_keys:
                                    statements.append(live_statement(question))
                                    values.append(0)
                reasons.append(
                    {
                        "key": snapshot.key,
                        "order": snapshot.order,
                        "some_signs_from": snapshot.some_signs_from,
                        "strong_signs_from": snapshot.strong_signs_from,
                        **{field: texts(snapshot, field) for field in REASON_TEXTS},
                        "statements": statements,
                    }
                )
                answered_keys.add(snapshot.key)
            if submission.completed_at is None:
                # Still to answer: the reasons not reached yet, as they stand.
                for reason, questions in live:
                    if reason.key not in answered_keys:
                        reasons.append(live_reason(reason, questions))
                        values.extend([0] * len(questions))
                # Keep the reasons in the order they are asked.
                order = sorted(range(len(reasons)), key=lambda i: (reasons[i]["order"], i))
                starts, position = [], 0
                for reason in reasons:
                    starts.append(position)
                    position += len(reason["statements"])
                values = [
                    values[starts[i] + j]
                    for i in order
                    for j in range(len(reasons[i]["statements"]))
                ]
                reasons = [reasons[i] for i in order]
            bands_from = snapshots[0] if snapshots else questionnaire
            content = document(questionnaire, bands_from, reasons)
            entry = shared.setdefault(digest_of(content), [content, submission.started_at, []])
            entry[2].append((submission, "".join(str(value) for value in values)))

        number = 0
        latest_digest = None
        for digest, (content, _, members) in sorted(shared.items(), key=lambda item: item[1][1]):
            number += 1
            revision = Revision.objects.create(
                questionnaire=questionnaire,
                number=number,
                content=content,
                digest=digest,
                published_at=members[0][0].started_at,
            )
            for submission, digits in members:
                submission.revision = revision
                submission.packed_answers = digits
            Submission.objects.bulk_update(
                [submission for submission, _ in members],
                ["revision", "packed_answers"],
                batch_size=500,
            )
            latest_digest = digest
        live_digest = digest_of(live_document)
        if live and live_digest != latest_digest:
            Revision.objects.create(
                questionnaire=questionnaire,
                number=number + 1,
                content=live_document,
                digest=live_digest,
            )


def backward(apps, schema_editor):
    """Only an empty database can go back: the copies were not kept."""
    if apps.get_model("assessments", "Submission").objects.exists():
        raise RuntimeError(
            "Submissions cannot be turned back into per-submission copies; "
            "restore a backup taken before migration 0005 instead."
        )
    apps.get_model("assessments", "Revision").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0004_revisions"),
    ]

    operations = [
        migrations.RunPython(forward, backward, elidable=False),
    ]
