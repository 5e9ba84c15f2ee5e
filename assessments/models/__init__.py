"""Models of the assessments app: the questionnaire, its revisions, and what respondents answered."""

from .questionnaire import Direction, Question, Questionnaire, ReasonCategory, new_key
from .revisions import (
    FrozenQuestionnaire,
    FrozenReason,
    FrozenStatement,
    Revision,
    Texts,
    digest_of,
)
from .submissions import AlreadyComplete, Submission, owner_key_for

__all__ = [
    "AlreadyComplete",
    "Direction",
    "FrozenQuestionnaire",
    "FrozenReason",
    "FrozenStatement",
    "Question",
    "Questionnaire",
    "ReasonCategory",
    "Revision",
    "Submission",
    "Texts",
    "digest_of",
    "new_key",
    "owner_key_for",
]
