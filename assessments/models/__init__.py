"""Models of the assessments app: the questionnaire, its revisions, and what respondents answered."""

from .norms import ReasonScoreCount
from .questionnaire import (
    Demand,
    Direction,
    Question,
    Questionnaire,
    ReasonCategory,
    Role,
    RoleDemand,
    new_key,
)
from .revisions import (
    FrozenQuestionnaire,
    FrozenReason,
    FrozenRole,
    FrozenStatement,
    Revision,
    Texts,
    digest_of,
)
from .submissions import AlreadyComplete, DeletedSubmission, Submission, owner_key_for

__all__ = [
    "AlreadyComplete",
    "DeletedSubmission",
    "Demand",
    "Direction",
    "FrozenQuestionnaire",
    "FrozenReason",
    "FrozenRole",
    "FrozenStatement",
    "Question",
    "Questionnaire",
    "ReasonCategory",
    "ReasonScoreCount",
    "Revision",
    "Role",
    "RoleDemand",
    "Submission",
    "Texts",
    "digest_of",
    "new_key",
    "owner_key_for",
]
