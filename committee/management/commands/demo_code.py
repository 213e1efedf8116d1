"""``demo_code``: the current authenticator code of the demo users (demo only).

The demo's chairs, members and staff share one published TOTP seed (committee.demo); this
prints the code an authenticator app holding it shows now. It reads no user's secret.
"""

import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.management.base import BaseCommand

from committee.demo import DEMO_TOTP_SECRET

PERIOD = 30


class Command(BaseCommand):
    help = "Print the demo users' current authenticator (TOTP) code."

    def handle(self, *args, **options):
        now = time.time()
        code = format_hotp_value(hotp_value(DEMO_TOTP_SECRET, int(now // PERIOD)))
        left = PERIOD - int(now % PERIOD)
        self.stdout.write(f"{code}  (valid for {left} more seconds)")
