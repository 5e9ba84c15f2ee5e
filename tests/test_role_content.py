"""Roles and experiments as content: the data file, revisions, the admin and the migration."""

from __future__ import annotations

import copy
import json
import re

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from assessments import roles
from assessments.datafile import ContentError, export_document, import_document, revision_document
from assessments.models import (
    Question,
    Questionnaire,
    ReasonCategory,
    Revision,
    Role,
    RoleDemand,
    Submission,
    digest_of,
)

from .conftest import CONTENT_FILE, leaning
from .test_admin import admin_url, form_data, page_text
from .test_migration import migrated_old_data  # noqa: F401 (a fixture)

REASON_KEYS = [
    "constant-learning",
    "perseverance",
    "change-and-rework",
    "stakeholder-management",
    "little-ml",
]


def default_document() -> dict:
    return json.loads(CONTENT_FILE.read_text(encoding="utf-8"))


def file_roles() -> list[dict]:
    return default_document()["questionnaire"]["roles"]


def asks(role_key: str) -> dict[str, int]:
    """Return what a role of the working copy asks, by reason key."""
    return dict(
        RoleDemand.objects.filter(role__key=role_key)
        .order_by("reason__order")
        .values_list("reason__key", "level")
    )


# -- The data file -------------------------------------------------------------------


def test_loading_the_data_file_makes_its_six_roles_with_what_each_asks(questionnaire):
    assert list(questionnaire.roles.values_list("key", flat=True)) == [
        role["key"] for role in file_roles()
    ]
    for role in file_roles():
        assert asks(role["key"]) == role["demands"]
    engineer = Role.objects.get(key="data-engineer")
    assert (engineer.title_en, engineer.title_zh_hans) == ("Data engineer", "数据工程师")


def test_loading_the_data_file_gives_each_reason_its_thing_to_try(questionnaire):
    for reason in default_document()["questionnaire"]["reasons"]:
        loaded = ReasonCategory.objects.get(key=reason["key"])
        assert loaded.experiment_en == reason["experiment"]["en"]
        assert loaded.experiment_zh_hans == reason["experiment"]["zh-hans"]


def test_the_export_carries_the_roles_and_experiments_as_the_file_has_them(questionnaire):
    exported = export_document(questionnaire)["questionnaire"]

    assert exported["roles"] == file_roles()
    assert [reason["experiment"] for reason in exported["reasons"]] == [
        reason["experiment"] for reason in default_document()["questionnaire"]["reasons"]
    ]


def test_an_export_with_edited_roles_loads_back_into_an_empty_database(questionnaire):
    RoleDemand.objects.filter(role__key="backend-engineer", reason__key="perseverance").update(
        level=2
    )
    added = Role.objects.create(
        questionnaire=questionnaire, key="tutor", order=7, title="Tutor", summary="Teaches."
    )
    RoleDemand.objects.create(
        role=added, reason=questionnaire.reasons.get(key="stakeholder-management"), level=2
    )
    exported = export_document(questionnaire)
    Questionnaire.objects.all().delete()

    loaded, written = import_document(copy.deepcopy(exported))

    assert written
    assert export_document(loaded) == exported
    assert asks("tutor") == {"stakeholder-management": 2}
    assert asks("backend-engineer")["perseverance"] == 2


def test_updating_from_a_file_makes_the_roles_match_it_and_publishes_them(questionnaire):
    document = default_document()
    data = document["questionnaire"]
    data["roles"] = [role for role in data["roles"] if role["key"] != "backend-engineer"]
    data["roles"][1]["demands"]["constant-learning"] = 2
    del data["roles"][1]["demands"]["little-ml"]
    data["roles"][0]["title"]["zh-hans"] = "ML 工程师"

    import_document(document, update=True)

    assert "backend-engineer" not in questionnaire.roles.values_list("key", flat=True)
    assert asks("data-engineer") == {
        "constant-learning": 2,
        "perseverance": 2,
        "change-and-rework": 2,
        "stakeholder-management": 1,
    }
    latest = questionnaire.latest_revision()
    assert latest.number == 2
    frozen = latest.frozen
    assert [role.key for role in frozen.roles] == [role["key"] for role in data["roles"]]
    assert frozen.roles[0].title["zh-hans"] == "ML 工程师"


def test_a_file_from_before_roles_and_experiments_still_loads_with_none(db):
    document = default_document()
    del document["questionnaire"]["roles"]
    for reason in document["questionnaire"]["reasons"]:
        del reason["experiment"]

    questionnaire, written = import_document(document)

    assert written
    assert not questionnaire.roles.exists()
    assert set(questionnaire.reasons.values_list("experiment_en", flat=True)) == {""}
    frozen = questionnaire.latest_revision().frozen
    assert frozen.roles == ()
    assert str(frozen.reasons[0].experiment) == ""


def break_level(data):
    data["roles"][1]["demands"]["little-ml"] = 3


def break_level_as_text(data):
    data["roles"][0]["demands"]["perseverance"] = "2"


def break_level_as_true(data):
    data["roles"][0]["demands"]["perseverance"] = True


def break_reason_key(data):
    data["roles"][0]["demands"]["spare-time"] = 1


def break_english_title(data):
    data["roles"][2]["title"] = {"en": "", "zh-hans": "分析工程师"}


def break_language(data):
    data["roles"][0]["summary"]["fr"] = "Construit des modèles."


def break_demands(data):
    data["roles"][0]["demands"] = [2, 2, 2, 2, 2]


def break_roles(data):
    data["roles"] = {"ml-engineer": {}}


def break_role_keys(data):
    data["roles"][1]["key"] = data["roles"][0]["key"]


def break_role_field(data):
    del data["roles"][3]["demands"]


def break_role_key(data):
    data["roles"][0]["key"] = "not a slug"


def break_experiment(data):
    data["reasons"][1]["experiment"] = ["Try it."]


BROKEN = [
    pytest.param(
        break_level,
        "role 2: the level for little-ml must be 0 (little), 1 (some) or 2 (a lot), not 3.",
        id="level",
    ),
    pytest.param(break_level_as_text, "role 1: the level for perseverance must be", id="text"),
    pytest.param(break_level_as_true, "role 1: the level for perseverance must be", id="bool"),
    pytest.param(
        break_reason_key,
        "role 1: demands name no reason of this questionnaire: spare-time (reasons: "
        "constant-learning, perseverance, change-and-rework, stakeholder-management, little-ml).",
        id="reason",
    ),
    pytest.param(break_english_title, "role 3: title needs an English text.", id="english"),
    pytest.param(break_language, "role 1: summary has unknown language fr", id="language"),
    pytest.param(break_demands, "role 1: demands must be an object of levels", id="demands"),
    pytest.param(break_roles, "questionnaire: roles must be a list.", id="roles"),
    pytest.param(break_role_keys, "questionnaire: role keys must be unique.", id="keys"),
    pytest.param(break_role_field, "role 4: missing demands.", id="field"),
    pytest.param(break_role_key, "role 1: Enter a valid “slug”", id="slug"),
    pytest.param(break_experiment, "reason 2: experiment must be an object of texts", id="try"),
]


@pytest.mark.parametrize(("breaks", "message"), BROKEN)
def test_a_file_with_broken_roles_is_refused_with_a_message_and_nothing_written(
    db, breaks, message
):
    document = default_document()
    breaks(document["questionnaire"])

    with pytest.raises(ContentError) as error:
        import_document(document)

    assert str(error.value).startswith(message)
    assert not Questionnaire.objects.exists()
    assert not Role.objects.exists()


@pytest.mark.parametrize(("breaks", "message"), BROKEN)
def test_a_broken_update_leaves_the_roles_as_they_were(questionnaire, breaks, message):
    before = export_document(questionnaire)
    document = default_document()
    document["questionnaire"]["roles"][0]["order"] = 99  # written first, if it were not atomic
    breaks(document["questionnaire"])

    with pytest.raises(ContentError):
        import_document(document, update=True)

    assert export_document(Questionnaire.objects.get(pk=questionnaire.pk)) == before


# -- Revisions -----------------------------------------------------------------------


def test_a_revision_freezes_the_roles_and_the_things_to_try(questionnaire):
    frozen = questionnaire.latest_revision().frozen

    assert [role.key for role in frozen.roles] == [role["key"] for role in file_roles()]
    research = frozen.roles[3]
    assert dict(research.demands) == {
        "constant-learning": 2,
        "perseverance": 2,
        "change-and-rework": 1,
        "stakeholder-management": 1,
        "little-ml": 1,
    }
    assert research.title == {"en": "Research scientist", "zh-hans": "研究科学家"}
    assert frozen.reasons[2].experiment["en"].startswith("Keep a small script")
    with pytest.raises(TypeError):
        research.demands["little-ml"] = 0  # read-only, like the rest of a revision


def test_changing_what_a_role_asks_publishes_a_new_revision_and_keeps_the_old_one(questionnaire):
    RoleDemand.objects.filter(role__key="research-scientist", reason__key="little-ml").update(
        level=0
    )

    revision = questionnaire.publish()

    assert revision.number == 2
    assert revision.frozen.roles[3].demands["little-ml"] == 0
    first = questionnaire.revisions.get(number=1)
    assert first.frozen.roles[3].demands["little-ml"] == 1
    assert questionnaire.publish() is None


def test_renaming_a_role_or_rewording_a_thing_to_try_publishes_a_new_revision(questionnaire):
    Role.objects.filter(key="backend-engineer").update(title_zh_hans="服务端工程师")
    assert questionnaire.publish().frozen.roles[5].title["zh-hans"] == "服务端工程师"

    ReasonCategory.objects.filter(key="perseverance").update(experiment_en="Finish one thing.")
    assert str(questionnaire.publish().frozen.reasons[1].experiment) == "Finish one thing."


def test_a_reason_no_longer_asked_is_left_out_of_what_the_roles_ask(questionnaire):
    Question.objects.filter(category__key="little-ml").update(active=False)

    document = revision_document(questionnaire)

    for role in document["questionnaire"]["roles"]:
        assert list(role["demands"]) == REASON_KEYS[:4]


def test_a_revision_published_before_roles_still_reads_with_none(questionnaire):
    content = copy.deepcopy(questionnaire.latest_revision().content)
    del content["questionnaire"]["roles"]
    for reason in content["questionnaire"]["reasons"]:
        del reason["experiment"]
    older = Revision.objects.create(
        questionnaire=questionnaire, number=2, content=content, digest=digest_of(content)
    )
    submission = Submission.objects.create(revision=older, owner_key="0" * 64)
    values = leaning(submission, {"little-ml": 2}, default=0)
    submission.answers = "".join(str(values[position]) for position in range(30))

    frozen = Revision.objects.get(pk=older.pk).frozen

    assert frozen.roles == ()
    assert [str(reason.experiment) for reason in frozen.reasons] == [""] * 5
    result = submission.result()
    assert result.flagged
    assert roles.suggest(result, frozen.roles) == []
    assert roles.experiments(result, frozen.reasons) == []


# -- The admin -----------------------------------------------------------------------


def role_page(admin_client, role: Role | None = None):
    url = admin_url("role", "change", role.pk) if role else admin_url("role", "add")
    response = admin_client.get(url)
    assert response.status_code == 200
    return url, response


def reason_options(response, select_name: str) -> list[str]:
    page = response.content.decode()
    select = re.search(rf'<select name="{select_name}"[^>]*>(.*?)</select>', page, re.S)
    assert select, f"no <select name={select_name!r}>"
    return re.findall(r'<option value="(\d+)"', select[1])


def test_the_role_list_shows_each_role_with_what_it_asks(admin_client, questionnaire):
    response = admin_client.get(admin_url("role"))

    text = page_text(response)
    assert "Analytics engineer or data analyst" in text
    assert (
        "Constant learning: some, Perseverance: some, Change and rework: some, "
        "Stakeholder management: a lot, Little ML: a lot"
    ) in text


def test_a_new_role_page_offers_a_row_for_each_reason_with_the_level_to_choose(
    admin_client, questionnaire
):
    _url, response = role_page(admin_client)

    data = form_data(response, "role_form")
    reasons = [
        str(pk) for pk in questionnaire.reasons.order_by("order").values_list("pk", flat=True)
    ]
    assert data["questionnaire"] == [str(questionnaire.pk)]
    assert data["demands-TOTAL_FORMS"] == ["5"]
    assert [data[f"demands-{index}-reason"][0] for index in range(5)] == reasons
    assert [data[f"demands-{index}-level"][0] for index in range(5)] == [""] * 5


def test_an_admin_adds_a_role_with_what_it_asks_of_each_reason(admin_client, questionnaire):
    url, response = role_page(admin_client)
    data = form_data(response, "role_form")
    data.update(
        title_en=["Data scientist"],
        title_zh_hans=["数据科学家"],
        key=["data-scientist"],
        order=["7"],
        summary_en=["Answers questions with statistics and experiments."],
        summary_zh_hans=["用统计和实验回答业务问题。"],
    )
    for index, level in enumerate([2, 1, 1, 2, 1]):
        data[f"demands-{index}-level"] = [str(level)]

    response = admin_client.post(url, {**data, "_save": "Save"})

    assert response.status_code == 302, page_text(response)[:3000]
    role = Role.objects.get(key="data-scientist")
    assert (role.questionnaire, role.title_zh_hans) == (questionnaire, "数据科学家")
    assert asks("data-scientist") == dict(zip(REASON_KEYS, [2, 1, 1, 2, 1], strict=True))
    assert questionnaire.publish().frozen.roles[-1].key == "data-scientist"


def test_a_row_left_without_a_level_is_not_saved(admin_client, questionnaire):
    url, response = role_page(admin_client)
    data = form_data(response, "role_form")
    data.update(
        title_en=["Tutor"], key=["tutor"], order=["8"], summary_en=["Teaches machine learning."]
    )
    data["demands-3-level"] = ["2"]

    response = admin_client.post(url, {**data, "_save": "Save"})

    assert response.status_code == 302, page_text(response)[:3000]
    assert asks("tutor") == {"stakeholder-management": 2}
    # Its page offers the four reasons it says nothing of, each in a row of its own.
    _url, response = role_page(admin_client, Role.objects.get(key="tutor"))
    data = form_data(response, "role_form")
    assert (data["demands-INITIAL_FORMS"], data["demands-TOTAL_FORMS"]) == (["1"], ["5"])
    assert data["demands-4-reason"] == [str(ReasonCategory.objects.get(key="little-ml").pk)]


def test_an_admin_changes_what_a_role_asks(admin_client, questionnaire):
    role = Role.objects.get(key="research-scientist")
    url, response = role_page(admin_client, role)
    data = form_data(response, "role_form")
    assert data["demands-INITIAL_FORMS"] == data["demands-TOTAL_FORMS"] == ["5"]
    # The rows come in the reasons' order, so "little-ml" is the last.
    assert data["demands-4-reason"] == [str(ReasonCategory.objects.get(key="little-ml").pk)]
    data["demands-4-level"] = ["0"]

    response = admin_client.post(url, {**data, "_save": "Save"})

    assert response.status_code == 302, page_text(response)[:3000]
    assert asks("research-scientist")["little-ml"] == 0
    assert questionnaire.publish().number == 2


def test_a_role_page_offers_only_the_reasons_of_its_own_questionnaire(
    admin_client, questionnaire, small_questionnaire
):
    role = Role.objects.get(key="data-engineer")
    url, response = role_page(admin_client, role)
    own = {str(pk) for pk in questionnaire.reasons.values_list("pk", flat=True)}

    assert set(reason_options(response, "demands-0-reason")) == own
    data = form_data(response, "role_form")
    data["demands-0-reason"] = [str(small_questionnaire.reasons.first().pk)]
    response = admin_client.post(url, {**data, "_save": "Save"})

    assert response.status_code == 200
    assert "Select a valid choice" in page_text(response)
    assert asks("data-engineer") == file_roles()[1]["demands"]


def test_a_new_role_cannot_name_a_reason_of_another_questionnaire(
    admin_client, questionnaire, small_questionnaire
):
    url, response = role_page(admin_client)
    data = form_data(response, "role_form")
    # Two questionnaires: no reason is chosen for the admin, and all are offered.
    assert data["demands-TOTAL_FORMS"] == ["0"]
    data.update(
        questionnaire=[str(small_questionnaire.pk)],
        title_en=["Tutor"],
        key=["tutor"],
        order=["1"],
        summary_en=["Teaches."],
        **{
            "demands-TOTAL_FORMS": ["1"],
            "demands-0-reason": [str(questionnaire.reasons.get(key="little-ml").pk)],
            "demands-0-level": ["2"],
        },
    )

    response = admin_client.post(url, {**data, "_save": "Save"})

    assert response.status_code == 200
    assert "Choose a reason of the role&#x27;s own questionnaire." in response.content.decode()
    assert not Role.objects.filter(key="tutor").exists()


def test_the_same_reason_twice_is_refused(admin_client, questionnaire):
    role = Role.objects.get(key="data-engineer")
    url, response = role_page(admin_client, role)
    data = form_data(response, "role_form")
    data["demands-1-reason"] = data["demands-0-reason"]

    response = admin_client.post(url, {**data, "_save": "Save"})

    assert response.status_code == 200
    assert "Please correct the duplicate data for reason" in page_text(response)


def test_the_questionnaire_page_lists_its_roles(admin_client, questionnaire):
    response = admin_client.get(admin_url("questionnaire", "change", questionnaire.pk))

    data = form_data(response, "questionnaire_form")
    assert data["roles-TOTAL_FORMS"] == ["6"]
    assert [data[f"roles-{index}-title_en"][0] for index in range(6)] == [
        role["title"]["en"] for role in file_roles()
    ]


def test_the_reason_page_edits_the_thing_to_try_in_both_languages(admin_client, questionnaire):
    reason = ReasonCategory.objects.get(key="perseverance")
    url = admin_url("reasoncategory", "change", reason.pk)
    response = admin_client.get(url)
    data = form_data(response, "reasoncategory_form")
    assert data["experiment_zh_hans"] == [reason.experiment_zh_hans]
    assert re.search(r'<textarea name="experiment_en" cols="\d+" rows="3"', page_text(response))
    data["experiment_zh_hans"] = ["做完一件拖了很久的事。"]

    response = admin_client.post(url, {**data, "_save": "Save"})

    assert response.status_code == 302, page_text(response)[:3000]
    reason.refresh_from_db()
    assert reason.experiment_zh_hans == "做完一件拖了很久的事。"
    assert (
        reason.experiment_en
        == default_document()["questionnaire"]["reasons"][1]["experiment"]["en"]
    )


def test_the_revision_page_shows_what_each_role_asks(admin_client, questionnaire):
    revision = questionnaire.latest_revision()

    text = page_text(admin_client.get(admin_url("revision", "change", revision.pk)))

    assert "<td>Research scientist</td><td>a lot</td><td>a lot</td><td>some</td>" in text


def test_the_page_of_a_revision_from_before_roles_says_it_has_none(admin_client, questionnaire):
    content = copy.deepcopy(questionnaire.latest_revision().content)
    del content["questionnaire"]["roles"]
    older = Revision.objects.create(
        questionnaire=questionnaire, number=2, content=content, digest=digest_of(content)
    )

    text = page_text(admin_client.get(admin_url("revision", "change", older.pk)))

    assert "None: this revision was published before roles could be suggested." in text


# -- The migration ----------------------------------------------------------------------

ROLES_MIGRATION = ("assessments", "0009_roles_and_experiments")


def test_migrating_gives_a_site_loaded_before_roles_the_roles_of_the_data_file(
    migrated_old_data,  # noqa: F811
):
    questionnaire = Questionnaire.objects.get(slug="ml-engineering-fit")
    # The site had deleted "little-ml"; the roles say what they ask of the rest.
    assert list(questionnaire.reasons.values_list("key", flat=True)) == REASON_KEYS[:4]
    assert list(questionnaire.roles.values_list("key", flat=True)) == [
        role["key"] for role in file_roles()
    ]
    for role in file_roles():
        assert asks(role["key"]) == {key: role["demands"][key] for key in REASON_KEYS[:4]}
    for reason in questionnaire.reasons.all():
        [wanted] = [
            r["experiment"]
            for r in default_document()["questionnaire"]["reasons"]
            if r["key"] == reason.key
        ]
        assert (reason.experiment_en, reason.experiment_zh_hans) == (
            wanted["en"],
            wanted["zh-hans"],
        )


def test_migrating_publishes_the_roles_on_top_of_the_latest_revision_and_nothing_else(
    migrated_old_data,  # noqa: F811
):
    newest, answered = Revision.objects.order_by("-number")[:2]
    assert newest.number == answered.number + 1
    content = copy.deepcopy(newest.content)
    assert len(content["questionnaire"].pop("roles")) == 6
    for reason in content["questionnaire"]["reasons"]:
        assert reason.pop("experiment")["en"]
    assert content == answered.content
    assert newest.digest == digest_of(newest.content)
    # Earlier revisions are history: untouched, and still answered by the same people.
    for revision in Revision.objects.exclude(pk=newest.pk):
        assert "roles" not in revision.content["questionnaire"]
        assert revision.digest == digest_of(revision.content)
    assert not Submission.objects.filter(revision=newest).exists()


@pytest.fixture
def site_with_unpublished_edits(transactional_db):
    """Go back to before roles, load a questionnaire whose working copy has an edit not yet
    published, and migrate forward."""
    executor = MigrationExecutor(connection)
    before = [parent.key for parent in executor.loader.graph.node_map[ROLES_MIGRATION].parents]
    executor.migrate(before)
    try:
        apps = executor.loader.project_state(before).apps
        texts = {"en": "Little ML", "zh-hans": "真正做机器学习的时间很少"}
        statement = {"en": "I mostly want to train models.", "zh-hans": "我主要想训练模型。"}
        questionnaire = apps.get_model("assessments", "Questionnaire").objects.create(
            slug="ml-engineering-fit", title_en="Fit?", intro_en="", published=True
        )
        reason = apps.get_model("assessments", "ReasonCategory").objects.create(
            questionnaire=questionnaire,
            key="little-ml",
            order=1,
            title_en=texts["en"],
            title_zh_hans=texts["zh-hans"],
            summary_en="Summary.",
            why_it_matters_en="Why.",
            advice_en="Advice.",
        )
        apps.get_model("assessments", "Question").objects.create(
            category=reason,
            key="train-models",
            order=1,
            statement_en=statement["en"],
            statement_zh_hans=statement["zh-hans"],
        )
        empty = {"en": "", "zh-hans": ""}
        content = {
            "format": 2,
            "questionnaire": {
                "slug": "ml-engineering-fit",
                "title": {"en": "Fit?", "zh-hans": ""},
                "intro": empty,
                "reasons": [
                    {
                        "key": "little-ml",
                        "order": 1,
                        "some_signs_from": 25,
                        "strong_signs_from": 60,
                        "title": texts,
                        "summary": {"en": "Summary.", "zh-hans": ""},
                        "why_it_matters": {"en": "Why.", "zh-hans": ""},
                        "advice": {"en": "Advice.", "zh-hans": ""},
                        "statements": [
                            {
                                "key": "train-models",
                                "order": 1,
                                "direction": "forward",
                                "weight": 1,
                                "text": statement,
                                "help_text": empty,
                            }
                        ],
                    }
                ],
            },
        }
        apps.get_model("assessments", "Revision").objects.create(
            questionnaire=questionnaire, number=1, content=content, digest=digest_of(content)
        )
        # Published as it was: revision 1 is the working copy until this edit.
        reason.title_en = "Not much modelling"
        reason.save()
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    except BaseException:
        MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())
        raise
    return content


def test_migrating_publishes_no_edit_an_admin_left_unpublished(site_with_unpublished_edits):
    questionnaire = Questionnaire.objects.get(slug="ml-engineering-fit")
    first, second = questionnaire.revisions.order_by("number")
    assert first.content == site_with_unpublished_edits

    frozen = second.frozen
    assert str(frozen.reasons[0].title) == "Little ML"
    assert [dict(role.demands) for role in frozen.roles] == [
        {"little-ml": role["demands"]["little-ml"]} for role in file_roles()
    ]
    assert frozen.reasons[0].experiment["en"].startswith("Carry one model")

    # The edit is still waiting to be published, now with the roles.
    assert questionnaire.reasons.get().title == "Not much modelling"
    third = questionnaire.publish(allow_missing_texts=True)  # English only on purpose
    assert str(third.frozen.reasons[0].title) == "Not much modelling"
    assert len(third.frozen.roles) == 6
