from django.core.management.base import BaseCommand, CommandError

from core.decision_log import decision_log_verify


class Command(BaseCommand):
    help = (
        "Recompute the decision log's hash chain: prints `OK <n> entries`, "
        "or exits 1 naming the first entry that does not verify."
    )

    def handle(self, *args, **options):
        result = decision_log_verify()
        if not result.ok:
            raise CommandError(
                f"entry {result.broken_seq} does not verify "
                f"({result.entries} entries read); the log has been altered from there on",
                returncode=1,
            )
        self.stdout.write(f"OK {result.entries} entries")
