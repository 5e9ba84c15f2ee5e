"""Fill a database with realistic completed submissions, for scale tests and benchmarks."""

from __future__ import annotations

import random
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from assessments.models import FrozenQuestionnaire, ReasonScoreCount, Revision, Submission
from assessments.models.norms import score_counts
from assessments.models.submissions import assess, decode_answers
from assessments.quality import StepTiming

BATCH = 5000


def answer_pattern(rng: random.Random, directions: list[str], reasons: list[int]) -> str:
    """Return one person's answers: a lean per reason, a response style, some noise.

    Their step times come from `step_times`, and their answer-quality flags
    from the same check a confirmed submission gets.

    `reasons[i]` is the reason index of statement i. Most people answer by
    their lean; some agree with everything a little more, some sit on the
    fence, a few answer in a straight line or at random, as real samples do.
    """
    leans = [rng.gauss(0, 1.1) for _ in range(max(reasons) + 1)]
    style = rng.random()
    if style < 0.03:  # a straight line
        return str(rng.randint(1, 5)) * len(directions)
    if style < 0.06:  # at random
        return "".join(str(rng.randint(1, 5)) for _ in directions)
    shift = 0.6 if style < 0.16 else 0.0  # agrees a little more than they mean
    spread = 0.4 if style < 0.26 and style >= 0.16 else 1.0  # stays near the middle
    digits = []
    for direction, reason in zip(directions, reasons, strict=True):
        lean = leans[reason] if direction == "forward" else -leans[reason]
        value = round(3 + spread * lean + shift + rng.gauss(0, 0.7))
        digits.append(str(min(5, max(1, value))))
    return "".join(digits)


def step_times(rng: random.Random, frozen: FrozenQuestionnaire) -> list[list[float]]:
    """Return when each step was shown and answered, in seconds from the start.

    Most people take a few seconds a statement; about one in twenty clicks
    through at under a second, as the answer-quality check expects to see.
    """
    pace = 0.5 if rng.random() < 0.05 else rng.lognormvariate(1.8, 0.4)  # about 6 s
    clock = rng.uniform(2, 10)
    times = []
    for reason in frozen.reasons:
        answered = clock + len(reason.statements) * pace * rng.uniform(0.7, 1.3)
        times.append([round(clock, 1), round(answered, 1)])
        clock = answered + rng.uniform(1, 4)
    return times


def left_at(rng: random.Random, steps: int) -> int:
    """Return the step an unfinished person left at (1..steps), earlier steps more likely.

    Step k is chosen with weight 1/k: most people who leave do so on the
    first pages, as in web surveys.
    """
    return rng.choices(range(1, steps + 1), weights=[1 / k for k in range(1, steps + 1)])[0]


def leave_early(
    rng: random.Random, frozen: FrozenQuestionnaire, answers: str, times: list
) -> tuple[str, list]:
    """Return the answers and step times of someone who left: shown a step, never answered it."""
    step = left_at(rng, len(frozen.reasons))
    answered = sum(len(reason.statements) for reason in frozen.reasons[: step - 1])
    kept = answers[:answered] + "0" * (len(answers) - answered)
    return kept, [*times[: step - 1], [times[step - 1][0], None]]


class Command(BaseCommand):
    help = (
        "Add N submissions with varied, realistic answers on the latest revision of a "
        "questionnaire, spread over past dates and both languages: all completed, or a "
        "share left unfinished (--unfinished)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True, help="How many to add.")
        parser.add_argument(
            "--slug",
            default=settings.MLFIT_QUESTIONNAIRE_SLUG,
            help="The questionnaire (default: the one the site offers).",
        )
        parser.add_argument("--days", type=int, default=365, help="Spread over this many days.")
        parser.add_argument("--seed", type=int, default=None, help="For a repeatable data set.")
        parser.add_argument(
            "--unfinished",
            type=float,
            default=0.0,
            help="The share (0 to 1) who leave before confirming, mostly on the first steps "
            "(default 0: everyone completes).",
        )

    def handle(self, *args, count, slug, days, seed, unfinished, **options):
        if count < 1 or days < 1:
            raise CommandError("--count and --days must be at least 1.")
        if not 0 <= unfinished <= 1:
            raise CommandError("--unfinished must be from 0 to 1.")
        revision = Revision.objects.filter(questionnaire__slug=slug).order_by("-number").first()
        if revision is None:
            raise CommandError(f"No published revision of “{slug}”. Run load_questionnaire first.")
        frozen = revision.frozen
        directions = [statement.direction for statement in frozen.statements]
        reasons = [i for i, reason in enumerate(frozen.reasons) for _ in reason.statements]
        languages = [code for code, _ in settings.LANGUAGES]
        rng = random.Random(seed)
        now = timezone.now()
        began = time.monotonic()
        made = 0
        while made < count:
            batch = []
            for _ in range(min(BATCH, count - made)):
                started = now - timedelta(seconds=rng.uniform(0, days * 86400))
                answers = answer_pattern(rng, directions, reasons)
                times = step_times(rng, frozen)
                timings = [
                    StepTiming(len(reason.statements), answered - shown)
                    for reason, (shown, answered) in zip(frozen.reasons, times, strict=True)
                ]
                values = decode_answers(answers, frozen.statement_count)
                completed = started + timedelta(seconds=times[-1][1] + rng.uniform(5, 60))
                flags = ",".join(assess(frozen, values, timings).flags)
                if rng.random() < unfinished:
                    answers, times = leave_early(rng, frozen, answers, times)
                    completed, flags = None, ""
                batch.append(
                    Submission(
                        id=uuid.UUID(int=rng.getrandbits(128), version=4),
                        revision=revision,
                        owner_key=f"{rng.getrandbits(256):064x}",
                        started_at=started,
                        completed_at=completed,
                        language=languages[0] if rng.random() < 0.7 else rng.choice(languages),
                        answers=answers,
                        step_times=times,
                        quality_flags=flags,
                    )
                )
            unflagged = [
                submission.answers
                for submission in batch
                if submission.completed_at and not submission.quality_flags
            ]
            with transaction.atomic():
                Submission.objects.bulk_create(batch, batch_size=1000)
                # As a confirmed submission would be: counted in the norms if not flagged.
                ReasonScoreCount.objects.add(revision.pk, score_counts(frozen.reasons, unflagged))
            made += len(batch)
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {made} submissions on {revision} in {time.monotonic() - began:.1f} s."
            )
        )
