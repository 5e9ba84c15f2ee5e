import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments.datafile import export_document
from assessments.models import Questionnaire


class Command(BaseCommand):
    help = "Export a questionnaire to the data-file format that load_questionnaire reads."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="Slug of the questionnaire to export.")
        parser.add_argument(
            "-o", "--output", help="File to write (default: standard output).", default=None
        )

    def handle(self, *args, slug, output, **options):
        questionnaire = Questionnaire.objects.filter(slug=slug).first()
        if questionnaire is None:
            known = ", ".join(Questionnaire.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(f"No questionnaire with slug “{slug}”. Known: {known}.")
        text = json.dumps(export_document(questionnaire), indent=2, ensure_ascii=False) + "\n"
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stdout.write(self.style.SUCCESS(f"Wrote {output}."))
        else:
            # Through self.stdout, so call_command(stdout=...) captures it; the text
            # already ends with its newline.
            self.stdout.write(text, ending="")
