import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Drop the per-submission copies of the questionnaire, now held by revisions."""

    dependencies = [
        ("assessments", "0005_answers_into_revisions"),
    ]

    operations = [
        migrations.DeleteModel(name="Answer"),
        migrations.DeleteModel(name="AnsweredReason"),
        migrations.RemoveField(model_name="submission", name="questionnaire"),
        migrations.RenameField(model_name="submission", old_name="packed_answers", new_name="answers"),
        migrations.AlterField(
            model_name="submission",
            name="answers",
            field=models.TextField(blank=True, default="", help_text="One digit per statement of the revision, in its order: 1 (strongly disagree) to 5 (strongly agree), 0 where not answered yet.", verbose_name="answers"),
        ),
        migrations.AlterField(
            model_name="submission",
            name="revision",
            field=models.ForeignKey(help_text="The published version of the questionnaire this was answered on.", on_delete=django.db.models.deletion.PROTECT, related_name="submissions", to="assessments.revision", verbose_name="revision"),
        ),
        migrations.AlterField(
            model_name="questionnaire",
            name="published",
            field=models.BooleanField(default=False, help_text="Only a published questionnaire can be taken. New respondents answer its latest revision: use “Publish changes” to make edits live.", verbose_name="published"),
        ),
    ]
