import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments.datafile import ContentError, import_document

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "content" / "ml_engineering_fit.json"


class Command(BaseCommand):
    help = (
        "Load a questionnaire from a data file (the default questionnaire unless a path is "
        "given). An already loaded questionnaire is left as it is unless --update is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DEFAULT_FILE), help="JSON data file.")
        parser.add_argument(
            "--update",
            action="store_true",
            help="Overwrite an existing questionnaire with the same slug so it matches the file.",
        )

    def handle(self, *args, path, update, **options):
        try:
            document = json.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from error
        except json.JSONDecodeError as error:
            raise CommandError(f"{path} is not valid JSON: {error}.") from error
        try:
            questionnaire, written = import_document(document, update=update)
        except ContentError as error:
            raise CommandError(f"{path}: {error}") from error
        if written:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Loaded “{questionnaire.title}” ({questionnaire.slug}): "
                    f"{questionnaire.reasons.count()} reasons."
                )
            )
        else:
            self.stdout.write(
                f"“{questionnaire.title}” ({questionnaire.slug}) is already loaded; left as it is. "
                "Use --update to overwrite it with the file."
            )
