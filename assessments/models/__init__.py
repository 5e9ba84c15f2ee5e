"""Models of the assessments app: the questionnaire, and what respondents answered."""

from .questionnaire import Direction, Question, Questionnaire, ReasonCategory, Step, new_key
from .submissions import Answer, AnsweredReason, Submission, owner_key_for

__all__ = [
    "Answer",
    "AnsweredReason",
    "Direction",
    "Question",
    "Questionnaire",
    "ReasonCategory",
    "Step",
    "Submission",
    "new_key",
    "owner_key_for",
]
