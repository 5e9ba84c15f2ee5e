"""Django admin: edit the questionnaire; read submissions, never rewrite them."""

from __future__ import annotations

import csv
from datetime import datetime

from django.contrib import admin
from django.db.models import Count, Q
from django.http import HttpResponse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from .exports import submissions_table
from .models import Answer, Question, Questionnaire, ReasonCategory, Submission

# -- The questionnaire ----------------------------------------------------------


class ReasonInline(TranslationTabularInline):
    model = ReasonCategory
    fields = ("order", "title", "key", "some_signs_from", "strong_signs_from")
    extra = 0
    show_change_link = True
    ordering = ("order", "pk")


@admin.register(Questionnaire)
class QuestionnaireAdmin(TranslationAdmin):
    list_display = ("title", "slug", "published", "reason_count", "updated_at")
    list_filter = ("published",)
    search_fields = ("title_en", "title_zh_hans", "slug", "intro_en", "intro_zh_hans")
    prepopulated_fields = {"slug": ("title_en",)}
    inlines = (ReasonInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(reason_count=Count("reasons"))

    @admin.display(description=_("reasons"), ordering="reason_count")
    def reason_count(self, obj: Questionnaire) -> int:
        return obj.reason_count


class QuestionInline(TranslationTabularInline):
    model = Question
    fields = ("order", "statement", "direction", "weight", "active", "help_text", "key")
    extra = 1
    ordering = ("order", "pk")


@admin.register(ReasonCategory)
class ReasonCategoryAdmin(TranslationAdmin):
    list_display = (
        "title",
        "questionnaire",
        "order",
        "active_statements",
        "some_signs_from",
        "strong_signs_from",
    )
    list_display_links = ("title",)
    list_editable = ("order",)
    list_filter = ("questionnaire",)
    search_fields = ("title_en", "title_zh_hans", "summary_en", "summary_zh_hans", "key")
    ordering = ("questionnaire", "order", "pk")
    fieldsets = (
        (None, {"fields": ("questionnaire", "title", "key", "order", "summary")}),
        (_("Explanation on the results page"), {"fields": ("why_it_matters", "advice")}),
        (_("Bands"), {"fields": ("some_signs_from", "strong_signs_from")}),
    )
    inlines = (QuestionInline,)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("questionnaire")
            .annotate(active_count=Count("questions", filter=Q(questions__active=True)))
        )

    @admin.display(description=_("active statements"), ordering="active_count")
    def active_statements(self, obj: ReasonCategory) -> int:
        return obj.active_count


@admin.register(Question)
class QuestionAdmin(TranslationAdmin):
    list_display = ("statement", "category", "order", "direction", "weight", "active")
    list_editable = ("order", "active")
    list_filter = ("category__questionnaire", "category", "direction", "active")
    search_fields = (
        "statement_en",
        "statement_zh_hans",
        "help_text_en",
        "help_text_zh_hans",
        "key",
    )
    list_select_related = ("category",)
    ordering = ("category__questionnaire", "category__order", "order", "pk")


# -- Submissions ------------------------------------------------------------------


class AnswerInline(admin.TabularInline):
    model = Answer
    fields = ("statement", "value", "direction", "weight", "answered_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("reason__order", "order", "pk")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class CompletedFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return (("completed", _("Completed")), ("in_progress", _("In progress")))

    def queryset(self, request, queryset):
        if self.value() == "completed":
            return queryset.completed()
        if self.value() == "in_progress":
            return queryset.in_progress()
        return queryset


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ("id", "questionnaire", "started_at", "completed_at", "answer_count")
    list_filter = (CompletedFilter, "questionnaire", "started_at")
    search_fields = ("id",)
    date_hierarchy = "started_at"
    fields = ("id", "questionnaire", "started_at", "completed_at", "scores")
    readonly_fields = fields
    inlines = (AnswerInline,)
    actions = ("export_csv",)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("questionnaire")
            .annotate(answer_count=Count("answers"))
        )

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("answers"), ordering="answer_count")
    def answer_count(self, obj: Submission) -> int:
        return obj.answer_count

    @admin.display(description=_("scores"))
    def scores(self, obj: Submission) -> str:
        result = obj.result()
        if not result.reasons:
            return gettext("No answers yet.")
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            gettext("Reason"),
            gettext("Score"),
            gettext("Band"),
            format_html_join(
                "",
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                ((reason.title, reason.score, reason.band.label) for reason in result.reasons),
            ),
        )

    @admin.action(description=_("Export selected submissions as CSV"))
    def export_csv(self, request, queryset):
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="mlfit-submissions-{stamp}.csv"'
        writer = csv.writer(response)
        for row in submissions_table(queryset):
            writer.writerow(
                [value.isoformat() if isinstance(value, datetime) else value for value in row]
            )
        return response
