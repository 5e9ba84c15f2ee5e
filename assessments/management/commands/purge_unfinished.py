from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from assessments.models import Submission


class Command(BaseCommand):
    help = (
        "Delete unfinished submissions started more than --days days ago, with their answers. "
        "Completed submissions are never touched. Use --dry-run to list what would go."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=30, help="Age in days after which to delete (default 30)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be deleted; delete nothing."
        )

    def handle(self, *args, days, dry_run, **options):
        if days < 1:
            raise CommandError("--days must be at least 1.")
        cutoff = timezone.now() - timedelta(days=days)
        stale = (
            Submission.objects.in_progress().filter(started_at__lt=cutoff).order_by("started_at")
        )
        if dry_run:
            count = 0
            for submission in stale.iterator():
                count += 1
                self.stdout.write(
                    f"{submission.pk}  started {submission.started_at:%Y-%m-%d %H:%M}"
                )
            self.stdout.write(
                f"Would delete {count} unfinished submission{'s' if count != 1 else ''} "
                f"started before {cutoff:%Y-%m-%d %H:%M} UTC."
            )
            return
        with transaction.atomic():
            # Lock the rows first, so that a submission being finished right
            # now either completes before this (and is kept) or waits.
            ids = list(stale.select_for_update().values_list("pk", flat=True))
            _, by_model = Submission.objects.in_progress().filter(pk__in=ids).delete()
        count = by_model.get("assessments.Submission", 0)
        self.stdout.write(
            self.style.SUCCESS(
                f"Deleted {count} unfinished submission{'s' if count != 1 else ''} "
                f"started before {cutoff:%Y-%m-%d %H:%M} UTC."
            )
        )
