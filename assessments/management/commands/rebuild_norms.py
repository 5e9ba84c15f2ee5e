from django.core.management.base import BaseCommand, CommandError

from assessments.models import ReasonScoreCount, Revision


class Command(BaseCommand):
    help = (
        "Count again, from the submissions, how many people have each reason score on each "
        "revision: the norms the results page compares a person with. Only needed if the "
        "counts drifted, e.g. after submissions were added or removed in the database directly."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--revision",
            type=int,
            action="append",
            help="Only this revision, by its id (repeat for several; default: every revision).",
        )

    def handle(self, *args, revision, **options):
        revisions = Revision.objects.select_related("questionnaire").without_content()
        if revision:
            revisions = revisions.filter(pk__in=revision)
            unknown = set(revision) - set(revisions.values_list("pk", flat=True))
            if unknown:
                raise CommandError(f"No revision with id {', '.join(map(str, sorted(unknown)))}.")
        for each in revisions.order_by("questionnaire__slug", "number"):
            counted = ReasonScoreCount.objects.rebuild(each)
            self.stdout.write(f"{each}: {counted} completed submissions without a quality flag.")
        self.stdout.write(self.style.SUCCESS("Norms rebuilt."))
