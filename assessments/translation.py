"""Which content fields come in every language (django-modeltranslation).

Each field listed here gets a column per language (title_en, title_zh_hans,
...); reading `title` gives the active language, falling back to English.
A published revision freezes every language, so an old result reads the
same in either language after the questionnaire is edited.
"""

from modeltranslation.translator import TranslationOptions, register

from .models import Question, Questionnaire, ReasonCategory, Role


@register(Questionnaire)
class QuestionnaireTranslation(TranslationOptions):
    fields = ("title", "intro")


@register(ReasonCategory)
class ReasonCategoryTranslation(TranslationOptions):
    fields = ("title", "summary", "why_it_matters", "advice", "experiment")


@register(Question)
class QuestionTranslation(TranslationOptions):
    fields = ("statement", "help_text")


@register(Role)
class RoleTranslation(TranslationOptions):
    fields = ("title", "summary")
