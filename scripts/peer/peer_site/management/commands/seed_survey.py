"""Create the benchmark's survey: the same shape as mlfit's questionnaire."""

from datetime import date

from django.core.management.base import BaseCommand
from django.db import transaction
from survey.models import Category, Question, Survey

NAME = "Is machine-learning engineering for you?"
CATEGORIES = [
    "Constant learning",
    "Perseverance",
    "Change and rework",
    "Stakeholder management",
    "How little of the job is machine learning",
]
STATEMENTS_PER_CATEGORY = 6
SCALE = "Strongly disagree,Disagree,Neither agree nor disagree,Agree,Strongly agree"


class Command(BaseCommand):
    help = (
        "Create one published survey of 5 categories x 6 required five-point radio questions, "
        "shown one category per page, unless it exists; print its id."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            survey = Survey.objects.filter(name=NAME).first() or self.create()
        self.stdout.write(str(survey.pk))

    @staticmethod
    def create() -> Survey:
        survey = Survey.objects.create(
            name=NAME,
            description="Five reasons people find the job is not for them, six statements each.",
            is_published=True,
            need_logged_user=False,
            editable_answers=True,
            display_method=Survey.BY_CATEGORY,
            publish_date=date(2000, 1, 1),
            expire_date=date(2999, 12, 31),
        )
        order = 0
        for number, name in enumerate(CATEGORIES, start=1):
            category = Category.objects.create(
                survey=survey,
                name=name,
                order=number,
                description=f"How much does each statement about {name.lower()} sound like you?",
            )
            for statement in range(1, STATEMENTS_PER_CATEGORY + 1):
                order += 1
                Question.objects.create(
                    survey=survey,
                    category=category,
                    order=order,
                    required=True,
                    type=Question.RADIO,
                    choices=SCALE,
                    text=(
                        f"Statement {statement} about {name.lower()}: a sentence of about the "
                        "length of mlfit's statements, to be rated."
                    ),
                )
        return survey
