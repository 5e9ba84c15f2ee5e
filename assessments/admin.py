"""Django admin: edit the questionnaire; read submissions, never rewrite them."""

from __future__ import annotations

from adminsortable2.admin import (
    CustomInlineFormSet,
    SortableAdminBase,
    SortableInlineAdminMixin,
    SortableStackedInline,
    SortableTabularInline,
)
from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import PAGE_VAR
from django.contrib.admin.widgets import AdminTextareaWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.forms import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import (
    TranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)

from . import scoring
from .changes import describe_changes
from .datafile import missing_texts, revision_document
from .exports import csv_response
from .forms import ExportForm
from .models import (
    Demand,
    FrozenReason,
    Question,
    Questionnaire,
    ReasonCategory,
    Revision,
    Role,
    RoleDemand,
    Submission,
    digest_of,
)
from .quality import Flag
from .workbook import too_many_rows, too_many_rows_message, xlsx_response

# For strings Django's admin already translates: an alias, so that extracting
# this app's strings leaves them to Django's own catalogue.
django_gettext = gettext

# Texts an admin writes a sentence or two into: wide boxes, not one-line inputs.
SHORT_TEXT = AdminTextareaWidget(attrs={"rows": 2})
FEW_LINES = AdminTextareaWidget(attrs={"rows": 3})
PARAGRAPHS = AdminTextareaWidget(attrs={"rows": 5})
# The widget of each translated text by field name, whichever model it is on;
# static/css/admin-editing.css makes them as wide as the page allows.
TEXT_WIDGETS = {
    "statement": SHORT_TEXT,
    "help_text": SHORT_TEXT,
    "summary": SHORT_TEXT,
    "intro": PARAGRAPHS,
    "why_it_matters": PARAGRAPHS,
    "advice": PARAGRAPHS,
    "experiment": FEW_LINES,
}


class EditingMedia:
    """The editing pages' stylesheet: wide text boxes, readable rows, the drag handles."""

    css = {"all": ("css/admin-editing.css",)}


class WideTexts:
    """Give each translated text, in every language, its multi-line box (TEXT_WIDGETS)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # modeltranslation copies the widget of the original field (`statement`)
        # to each language's (`statement_en`, `statement_zh_hans`).
        if db_field.name in TEXT_WIDGETS:
            kwargs["widget"] = TEXT_WIDGETS[db_field.name]
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class TypedOrderFormSet(CustomInlineFormSet):
    """django-admin-sortable2's formset, keeping the order number an editor can type.

    sortable2 turns the number into a hidden input that its script rewrites
    (1, 2, 3, ...) when a row is dragged; without JavaScript nothing could be
    moved. Here the number stays a visible input that the same script
    rewrites, so reordering works by dragging or by typing numbers and
    saving. Numbers may leave gaps; equal numbers keep the older row first.
    A new row whose number is left at 0 or empty goes last.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.base_fields[self.default_order_field].widget = forms.NumberInput(
            # sortable2's script finds the number by the `_reorder_` class.
            attrs={"class": "_reorder_ vIntegerField", "min": 0, "max": 32767}
        )

    def add_fields(self, form, index):
        super().add_fields(form, index)
        # An existing row needs a number; an empty one would not fit the column.
        form.fields[self.default_order_field].required = form.instance.pk is not None


class SortableRows(SortableInlineAdminMixin):
    """Rows dragged into order (django-admin-sortable2), or numbered by hand without JavaScript.

    It comes before modeltranslation's inline in the bases, as sortable2 asks.
    """

    formset = TypedOrderFormSet


# -- The questionnaire ----------------------------------------------------------


class ReasonInline(SortableRows, TranslationTabularInline):
    model = ReasonCategory
    fields = ("order", "title", "key", "some_signs_from", "strong_signs_from")
    extra = 0
    show_change_link = True
    ordering = ("order", "pk")
    template = SortableTabularInline.template


class RoleInline(SortableRows, WideTexts, TranslationStackedInline):
    """The roles, one block each: a summary in two languages does not fit a table row."""

    model = Role
    fields = ("order", "title", "summary", "key")
    extra = 0
    show_change_link = True
    ordering = ("order", "pk")
    template = SortableStackedInline.template


@admin.register(Questionnaire)
class QuestionnaireAdmin(SortableAdminBase, WideTexts, TranslationAdmin):
    list_display = ("title", "slug", "published", "reason_count", "updated_at")
    list_filter = ("published",)
    search_fields = ("title_en", "title_zh_hans", "slug", "intro_en", "intro_zh_hans")
    prepopulated_fields = {"slug": ("title_en",)}
    inlines = (ReasonInline, RoleInline)
    change_form_template = "admin/assessments/questionnaire/change_form.html"
    Media = EditingMedia

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(reason_count=Count("reasons"))

    @admin.display(description=_("reasons"), ordering="reason_count")
    def reason_count(self, obj: Questionnaire) -> int:
        return obj.reason_count

    def get_urls(self):
        return [
            path(
                "<path:object_id>/publish/",
                self.admin_site.admin_view(self.publish_view),
                name="assessments_questionnaire_publish",
            ),
            *super().get_urls(),
        ]

    def publish_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Show what changed since the latest revision, or what is missing; publish on POST."""
        questionnaire = self.get_object(request, object_id)
        if questionnaire is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_change_permission(request, questionnaire):
            raise PermissionDenied
        latest = questionnaire.latest_revision()
        document = revision_document(questionnaire)
        missing = missing_texts(document)
        if request.method == "POST":
            try:
                revision = questionnaire.publish(by=request.user.get_username())
            except ValidationError as error:
                # The same check as `missing`, made again under the publish's lock.
                missing = error.messages
                self.message_user(
                    request,
                    gettext("Nothing was published: first fill in the missing texts listed here."),
                    messages.ERROR,
                )
            else:
                return self.published_response(request, questionnaire, latest, revision)
        old_document = None
        if latest is not None:
            old_document = Revision.objects.values_list("content", flat=True).get(pk=latest.pk)
        return TemplateResponse(
            request,
            "admin/assessments/questionnaire/publish.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": gettext("Publish changes to “%(title)s”") % {"title": questionnaire},
                "questionnaire": questionnaire,
                "latest": latest,
                "unchanged": latest is not None and latest.digest == digest_of(document),
                "missing": missing,
                "changes": describe_changes(old_document, document),
                "reason_count": len(document["questionnaire"]["reasons"]),
                "statement_count": sum(
                    len(reason["statements"]) for reason in document["questionnaire"]["reasons"]
                ),
            },
        )

    def published_response(
        self,
        request: HttpRequest,
        questionnaire: Questionnaire,
        latest: Revision | None,
        revision: Revision | None,
    ) -> HttpResponse:
        """Say what publishing did, back on the questionnaire's page."""
        if revision is None:
            self.message_user(
                request,
                gettext("Nothing has changed since revision %(number)d; nothing was published.")
                % {"number": latest.number},
                messages.WARNING,
            )
        else:
            self.message_user(
                request,
                gettext("Published revision %(number)d. New respondents now answer it.")
                % {"number": revision.number},
                messages.SUCCESS,
            )
        return redirect("admin:assessments_questionnaire_change", questionnaire.pk)


class QuestionInline(SortableRows, WideTexts, TranslationStackedInline):
    """A reason's statements, one block each: two languages of text do not fit a table row."""

    model = Question
    fields = ("order", "statement", ("direction", "weight", "active"), "help_text", "key")
    extra = 1
    ordering = ("order", "pk")
    template = SortableStackedInline.template
    classes = ("statement-blocks",)


@admin.register(ReasonCategory)
class ReasonCategoryAdmin(SortableAdminBase, WideTexts, TranslationAdmin):
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
        (
            _("Explanation on the results page"),
            {"fields": ("why_it_matters", "advice", "experiment")},
        ),
        (_("Bands"), {"fields": ("some_signs_from", "strong_signs_from")}),
    )
    inlines = (QuestionInline,)
    Media = EditingMedia

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
class QuestionAdmin(WideTexts, TranslationAdmin):
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
    Media = EditingMedia


# -- Roles ------------------------------------------------------------------------


def questionnaire_of(role: Role | None) -> int | None:
    """Return the id of the role's questionnaire, or of the only one there is, or None."""
    if role is not None and role.questionnaire_id is not None:
        return role.questionnaire_id
    ids = list(Questionnaire.objects.values_list("pk", flat=True)[:2])
    return ids[0] if len(ids) == 1 else None


def reasons_for(role: Role | None):
    """Return the reasons a role's rows may name: those of its questionnaire, in order."""
    reasons = ReasonCategory.objects.order_by("questionnaire", "order", "pk")
    questionnaire = questionnaire_of(role)
    if questionnaire is None:
        # A new role among several questionnaires: RoleDemand.clean refuses a
        # reason of another questionnaire than the one chosen above.
        return reasons
    return reasons.filter(questionnaire=questionnaire)


def reasons_without_a_row(role: Role | None) -> list[ReasonCategory]:
    """Return the reasons a role does not yet say a level for (all of them for a new role)."""
    if questionnaire_of(role) is None:
        return []
    reasons = reasons_for(role)
    if role is not None and role.pk is not None:
        reasons = reasons.exclude(role_demands__role=role)
    return list(reasons)


class RoleDemandFormSet(BaseInlineFormSet):
    """A row per reason: the new rows come with their reason chosen, the level left to choose.

    A row whose level is left empty is not saved, so a reason can be left
    out; the role is then read as asking "some" of it.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reasons = reasons_for(self.instance)
        self.initial_extra = [
            {"reason": reason.pk} for reason in reasons_without_a_row(self.instance)
        ]

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["reason"].queryset = self.reasons


class RoleDemandInline(admin.TabularInline):
    model = RoleDemand
    formset = RoleDemandFormSet
    fields = ("reason", "level")
    ordering = ("reason__order", "reason__pk")

    def get_extra(self, request, obj=None, **kwargs) -> int:
        return len(reasons_without_a_row(obj))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "reason":
            # Reasons are chosen, not added or edited, from a role's page.
            formfield.widget.can_add_related = False
            formfield.widget.can_change_related = False
            formfield.widget.can_delete_related = False
            formfield.widget.can_view_related = False
        return formfield


@admin.register(Role)
class RoleAdmin(WideTexts, TranslationAdmin):
    list_display = ("title", "questionnaire", "order", "asks")
    list_display_links = ("title",)
    list_editable = ("order",)
    list_filter = ("questionnaire",)
    search_fields = ("title_en", "title_zh_hans", "summary_en", "summary_zh_hans", "key")
    ordering = ("questionnaire", "order", "pk")
    prepopulated_fields = {"key": ("title_en",)}
    fieldsets = (
        (
            None,
            {
                "fields": ("questionnaire", "title", "key", "order", "summary"),
                "description": _(
                    "The results page suggests the roles that match a person's answers best. "
                    "Below, say how much of each reason's part of the job this role asks: a "
                    "lot of a part that fits the person counts for the role, a lot of a part "
                    "that may wear on them counts against it. Publish the questionnaire for "
                    "an edit to reach respondents."
                ),
            },
        ),
    )
    inlines = (RoleDemandInline,)
    Media = EditingMedia

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("questionnaire")
            .prefetch_related(
                Prefetch("demands", queryset=RoleDemand.objects.select_related("reason"))
            )
        )

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if "questionnaire" not in initial and (only := questionnaire_of(None)) is not None:
            initial["questionnaire"] = only
        return initial

    @admin.display(description=_("what it asks"))
    def asks(self, obj: Role) -> str:
        return ", ".join(
            f"{demand.reason}: {demand.get_level_display()}" for demand in obj.demands.all()
        )


# -- Revisions ---------------------------------------------------------------------


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    """Published revisions are history: shown, never edited or deleted here."""

    list_display = ("__str__", "number", "published_at", "published_by", "submission_count")
    list_filter = ("questionnaire",)
    fields = (
        "questionnaire",
        "number",
        "published_at",
        "published_by",
        "submission_count",
        "asked",
        "suggested_roles",
    )
    readonly_fields = fields
    list_select_related = ("questionnaire",)

    def get_queryset(self, request):
        # A subquery per revision shown, counted on the submissions' revision
        # index, rather than a join that groups every submission.
        counts = (
            Submission.objects.filter(revision=OuterRef("pk"))
            .order_by()
            .values("revision")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return (
            super().get_queryset(request).annotate(submission_count=Coalesce(Subquery(counts), 0))
        )

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("submissions"), ordering="submission_count")
    def submission_count(self, obj: Revision) -> int:
        return obj.submission_count

    @admin.display(description=_("what it asks"))
    def asked(self, obj: Revision) -> str:
        frozen = obj.frozen
        return format_html(
            '<table class="revision-content"><thead><tr><th>{}</th><th>{}</th><th>{}</th>'
            "<th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
            gettext("Reason"),
            gettext("Statement"),
            gettext("Direction"),
            gettext("Weight"),
            gettext("Bands from"),
            format_html_join(
                "",
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{} / {}</td></tr>",
                (
                    (
                        reason.title,
                        statement.text,
                        DIRECTION_LABELS.get(statement.direction, statement.direction),
                        statement.weight,
                        reason.some_signs_from,
                        reason.strong_signs_from,
                    )
                    for reason in frozen.reasons
                    for statement in reason.statements
                ),
            ),
        )

    @admin.display(description=_("roles it can suggest"))
    def suggested_roles(self, obj: Revision) -> str:
        frozen = obj.frozen
        if not frozen.roles:
            return gettext("None: this revision was published before roles could be suggested.")
        return format_html(
            '<table class="revision-roles"><thead><tr><th>{}</th>{}</tr></thead>'
            "<tbody>{}</tbody></table>",
            gettext("Role"),
            format_html_join("", "<th>{}</th>", ((reason.title,) for reason in frozen.reasons)),
            format_html_join(
                "",
                "<tr><td>{}</td>{}</tr>",
                (
                    (
                        role.title,
                        format_html_join(
                            "",
                            "<td>{}</td>",
                            (
                                (DEMAND_LABELS.get(role.demands.get(reason.key), "—"),)
                                for reason in frozen.reasons
                            ),
                        ),
                    )
                    for role in frozen.roles
                ),
            ),
        )


DIRECTION_LABELS = {scoring.FORWARD: _("forward"), scoring.REVERSE: _("reverse-keyed")}
DEMAND_LABELS = dict(Demand.choices)


# -- Submissions ------------------------------------------------------------------


# The submissions list's order: incomplete ones have no date and come last.
NEWEST_COMPLETED = F("completed_at").desc(nulls_last=True)


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


class QualityFilter(admin.SimpleListFilter):
    """Completed submissions by the answer-quality pattern found when they were confirmed."""

    title = _("answer quality")
    parameter_name = "quality"

    def lookups(self, request, model_admin):
        return (("clear", _("No pattern found")), *Flag.LABELS.items())

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        if self.value() == "clear":
            return queryset.completed().filter(quality_flags="")
        if self.value() not in Flag.ALL:
            raise IncorrectLookupParameters(self.value())
        # Codes never contain one another, so a substring match is exact.
        return queryset.filter(quality_flags__contains=self.value())


class RevisionFilter(admin.SimpleListFilter):
    """Filter by revision, naming each one in a single query (no content, no lookup per row)."""

    title = _("revision")
    parameter_name = "revision"

    def lookups(self, request, model_admin):
        revisions = (
            Revision.objects.select_related("questionnaire")
            .without_content()
            .order_by("questionnaire__slug", "-number")
        )
        return [(str(revision.pk), str(revision)) for revision in revisions]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        if not self.value().isdigit():
            raise IncorrectLookupParameters(self.value())
        return queryset.filter(revision_id=int(self.value()))


class CappedCountPaginator(Paginator):
    """Count the rows a list shows only as far as its pages need, not all of them.

    Django's list counts every submission its filters match, to number the
    pages; at a hundred thousand rows that count is most of the page's
    database time. This one counts up to `at_least` rows and one more: ten
    thousand, or ten pages past the page asked for, so every page can still
    be reached. `is_capped` says the list holds more than it counted.
    """

    at_least = 10_000
    pages_ahead = 10

    def __init__(self, object_list, per_page, *args, page: int = 1, **kwargs) -> None:
        super().__init__(object_list, per_page, *args, **kwargs)
        self.limit = max(self.at_least, (page + self.pages_ahead) * self.per_page)

    @cached_property
    def count(self) -> int:
        # Unordered: any `limit` rows and one more tell as much, without a sort.
        return self.object_list.order_by()[: self.limit + 1].count()

    @property
    def is_capped(self) -> bool:
        return self.count > self.limit


class ReasonScoreColumn:
    """A list column: a submission's score on the reason with this key.

    Reasons are matched by key, so a submission on an older revision shows
    its score under the same reason; "—" where it has no such reason or is
    not complete. The header is the reason's title in the page's language.
    """

    def __init__(self, reason: FrozenReason) -> None:
        self.key = reason.key
        self.short_description = reason.title
        # Names the column's CSS class, as a method's name would.
        self.__name__ = f"score_{reason.key}"

    def __call__(self, obj: Submission) -> str:
        if not obj.is_complete or self.key not in obj.scores_by_key:
            return "—"
        return scoring.signed(obj.scores_by_key[self.key])


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    """Read submissions; their answers are history and never change here.

    The list reads no answers from other tables and counts nothing per row,
    and never counts all rows (see CappedCountPaginator), so it costs the
    same with a hundred submissions or a million. Scores are computed for
    the page's rows only, from their revisions' content, parsed once per
    process.
    """

    list_display = (
        "id",
        "completed",
        "language",
        "revision",
        "quality",
        "progress",
        "started_at",
    )
    # The columns an index orders; the others are chosen with the filters.
    sortable_by = ("completed", "started_at")
    list_filter = (CompletedFilter, RevisionFilter, QualityFilter, "language", "started_at")
    search_fields = ("id",)
    fields = (
        "id",
        "revision",
        "started_at",
        "completed_at",
        "language",
        "quality",
        "scores",
        "answer_table",
    )
    readonly_fields = fields
    actions = ("export_csv", "export_xlsx")
    # Newest completed first, unfinished ones after: the index of migration
    # 0012 holds the rows in this order, so a page reads only its own rows.
    ordering = (NEWEST_COMPLETED, "-started_at")
    paginator = CappedCountPaginator
    show_full_result_count = False
    change_list_template = "admin/assessments/submission/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).with_revision()

    def get_list_display(self, request):
        """Add a score column per reason of the latest revision the site offers."""
        latest = Revision.objects.latest_open()
        reasons = latest.frozen.reasons if latest is not None else ()
        return (*self.list_display, *(ReasonScoreColumn(reason) for reason in reasons))

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        page = request.GET.get(PAGE_VAR, "")
        return self.paginator(
            queryset,
            per_page,
            orphans,
            allow_empty_first_page,
            page=int(page) if page.isdigit() else 1,
        )

    def get_urls(self):
        return [
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="assessments_submission_export",
            ),
            path(
                "export/options/",
                self.admin_site.admin_view(self.export_options_view),
                name="assessments_submission_export_options",
            ),
            *super().get_urls(),
        ]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def action_checkbox(self, obj: Submission) -> str:
        # The same checkbox Django writes, without a widget template per row,
        # which was a third of the list's time.
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            format_html(django_gettext("Select this object for an action - {}"), str(obj)),
        )

    @admin.display(description=_("completed"), ordering=NEWEST_COMPLETED, empty_value="—")
    def completed(self, obj: Submission):
        return obj.completed_at

    @admin.display(description=_("answers"))
    def progress(self, obj: Submission) -> str:
        return gettext("%(answered)d of %(total)d") % {
            "answered": obj.answered_count,
            "total": obj.frozen.statement_count,
        }

    @admin.display(description=_("answer quality"))
    def quality(self, obj: Submission) -> str:
        if not obj.is_complete:
            return "—"
        flags = [code for code in obj.quality_flags.split(",") if code]
        return ", ".join(str(Flag.LABELS.get(code, code)) for code in flags) or gettext(
            "No pattern found"
        )

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
                (
                    (reason.title, reason.signed_score, reason.band_label)
                    for reason in result.reasons
                ),
            ),
        )

    @admin.display(description=_("answers"))
    def answer_table(self, obj: Submission) -> str:
        values = obj.answer_values()
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            gettext("Reason"),
            gettext("Statement"),
            gettext("Answer"),
            gettext("Direction and weight"),
            format_html_join(
                "",
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}, {}</td></tr>",
                (
                    (
                        reason.title,
                        statement.text,
                        scoring.SCALE_LABELS.get(values[statement.position], "—"),
                        DIRECTION_LABELS.get(statement.direction, statement.direction),
                        statement.weight,
                    )
                    for reason in obj.frozen.reasons
                    for statement in reason.statements
                ),
            ),
        )

    @admin.action(description=_("Export selected submissions as CSV"))
    def export_csv(self, request, queryset):
        return csv_response(queryset)

    @admin.action(description=_("Export selected submissions as XLSX"))
    def export_xlsx(self, request, queryset):
        if too_many_rows(queryset):
            self.message_user(request, too_many_rows_message(), messages.ERROR)
            return None
        return xlsx_response(queryset)

    def response_action(self, request, queryset):
        """Refuse, with a message, a selection that names something other than a listed submission.

        Django filters the list by the posted ids as they come, and an id that
        is not a UUID fails there with a server error; one of no submission in
        the list would be dropped without a word.
        """
        select_across = forms.BooleanField().to_python(request.POST.get("select_across"))
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if not select_across and (unknown := self.first_unknown_id(queryset, selected)):
            self.message_user(
                request,
                (
                    gettext("“%(id)s” was not a valid submission id; nothing was exported.")
                    if chosen_action(request).startswith("export_")
                    else gettext("“%(id)s” was not a valid submission id; nothing was done.")
                )
                % {"id": unknown[:60]},
                messages.ERROR,
            )
            return HttpResponseRedirect(request.get_full_path())
        return super().response_action(request, queryset)

    @staticmethod
    def first_unknown_id(queryset, selected: list[str]) -> str | None:
        """Return the first selected id that is not a submission of `queryset`, or None."""
        field = Submission._meta.pk
        ids = {}
        for value in selected:
            try:
                ids[field.to_python(value)] = value
            except ValidationError:
                return value
        found = set(queryset.filter(pk__in=list(ids)).values_list("pk", flat=True))
        return next((value for pk, value in ids.items() if pk not in found), None)

    def export_view(self, request: HttpRequest) -> HttpResponse:
        """Stream every submission the list shows with the same filters, as CSV."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            self.message_user(
                request,
                gettext("Those filters are not valid; nothing was exported."),
                messages.ERROR,
            )
            return redirect("admin:assessments_submission_changelist")
        return csv_response(changelist.get_queryset(request))

    def export_options_view(self, request: HttpRequest) -> HttpResponse:
        """Show the export form, starting from the list's filters; send the file it asks for."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        if "format" in request.GET:
            form = ExportForm(request.GET)
            if form.is_valid():
                return form.response()
        else:
            form = ExportForm(initial=ExportForm.initial_from_list(request.GET))
        return TemplateResponse(
            request,
            "admin/assessments/submission/export.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": gettext("Export submissions"),
                "form": form,
            },
        )


def chosen_action(request: HttpRequest) -> str:
    """Return the name of the action posted to a list, read as Django's admin reads it."""
    try:
        return request.POST.getlist("action")[int(request.POST.get("index", 0))]
    except (ValueError, IndexError):
        return ""
