import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    """Add published revisions, and a place for each submission's answers as values."""

    dependencies = [
        ("assessments", "0003_model_names"),
    ]

    operations = [
        migrations.CreateModel(
            name="Revision",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.PositiveIntegerField(help_text="Counts the questionnaire's revisions from 1.", verbose_name="number")),
                ("content", models.JSONField(help_text="The reasons, statements and texts as published, in the data-file format.", verbose_name="content")),
                ("digest", models.CharField(editable=False, help_text="A fingerprint of the content: publishing the same content again is a no-op.", max_length=64, verbose_name="digest")),
                ("published_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="published")),
                ("published_by", models.CharField(blank=True, help_text="The admin who published it; empty when published by a command.", max_length=150, verbose_name="published by")),
                ("questionnaire", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="revisions", to="assessments.questionnaire", verbose_name="questionnaire")),
            ],
            options={
                "verbose_name": "revision",
                "verbose_name_plural": "revisions",
                "ordering": ["questionnaire", "-number"],
                "constraints": [models.UniqueConstraint(fields=("questionnaire", "number"), name="revision_number_unique")],
            },
        ),
        migrations.AddField(
            model_name="submission",
            name="revision",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="submissions", to="assessments.revision", verbose_name="revision"),
        ),
        migrations.AddField(
            model_name="submission",
            name="packed_answers",
            field=models.TextField(blank=True, default=""),
        ),
    ]
