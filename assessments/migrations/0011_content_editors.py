"""A "Content editors" group: edit and publish the questionnaire, read submissions.

Its members edit the questionnaire's content (questionnaires, reasons,
statements, roles and what each role asks), publish it (publishing needs
change permission on the questionnaire), read the revisions and the
submissions (and so the statistics page and the exports, which show nothing
the submission pages do not), and see neither users and groups nor
django-axes' lockouts: those stay with superusers.

On a fresh database no permission exists yet when this runs: Django makes
them after all migrations, on post_migrate. So this makes this app's
permissions first, as post_migrate would (it skips those that already
exist, here and later). Running it again gives the group exactly these
permissions; going back removes the group.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Content editors"
EDITED = ("questionnaire", "reasoncategory", "question", "role", "roledemand")
READ = ("revision", "submission")
CODENAMES = frozenset(
    [f"{action}_{model}" for model in EDITED for action in ("add", "change", "delete", "view")]
    + [f"view_{model}" for model in READ]
)


def create_content_editors(apps, schema_editor):
    using = schema_editor.connection.alias
    # The installed app's config says the app has models; the models and
    # the tables written to are the migration's own (`apps`).
    create_permissions(
        global_apps.get_app_config("assessments"), verbosity=0, using=using, apps=apps
    )
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = list(
        Permission.objects.using(using).filter(
            content_type__app_label="assessments", codename__in=CODENAMES
        )
    )
    missing = CODENAMES - {permission.codename for permission in permissions}
    if missing:
        raise RuntimeError(f"Permissions missing for the content editors: {sorted(missing)}")
    group, _created = Group.objects.using(using).get_or_create(name=GROUP)
    group.permissions.set(permissions)


def remove_content_editors(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0010_reason_score_counts"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_content_editors, remove_content_editors),
    ]
