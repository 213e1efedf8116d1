"""Document uploads on PostgreSQL: a 25 MB PDF and a 25 MB CSV through the API, and a
30 MB file refused while it streams in.

    .venv/bin/python bench/documents.py

Drops and recreates the bench database (DATABASE_URL, default
postgres://root@127.0.0.1:5432/accord_bench) and migrates it; files go to a temporary
MEDIA_ROOT that is removed at the end. Each upload is a multipart POST through Django's test
client, so the figure covers parsing, the size-limit upload handler, type sniffing (for CSV
the whole file is decoded and parsed), SHA-256, the write to storage, the row and the log
entry. The oversized file must be refused without reaching storage.

Targets: median upload of 25 MB under 1.5 s (PDF) and 3 s (CSV); a 30 MB refusal under 1 s.
"""

from __future__ import annotations

import logging
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from _common import load_average, median, rerun_command, setup

MB = 1024 * 1024
ROUNDS = 5
TARGETS = {"pdf": 1.5, "csv": 3.0, "refused": 1.0}


def payloads() -> dict[str, bytes]:
    pdf = b"%PDF-1.7\n" + b"0" * (25 * MB - 20) + b"\n%%EOF\n"
    row = "2027-01-01,Kansas storage,4000000000.00,USD,送電網\n".encode()
    csv = b"date,project,amount,currency,note\n" + row * ((25 * MB - 40) // len(row))
    return {"pdf": pdf, "csv": csv, "refused": b"%PDF-1.7\n" + b"0" * (30 * MB)}


def main() -> None:
    setup()
    # The refused uploads are expected 400s: keep Django's request log out of the figures.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import override_settings
    from rest_framework.test import APIClient

    from committee.services import membership_assign
    from documents.models import Document
    from projects import services as project_services

    media = tempfile.TemporaryDirectory(prefix="accord-bench-media-")
    with override_settings(
        MEDIA_ROOT=media.name, ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False
    ):
        sponsor = project_services.sponsor_upsert(name="SoftBank Group", country="JP")
        user = get_user_model().objects.create_user("bench-sponsor", password="x")
        membership_assign(user=user, role="sponsor", sponsor=sponsor)
        proposal = project_services.proposal_create(
            user=user,
            title="Bench",
            description="x",
            sector="grid",
            amount_requested=Decimal("1"),
            currency="USD",
        )
        client = APIClient()
        client.force_authenticate(user=user)
        url = f"/api/v1/proposals/{proposal.pk}/documents/"
        figures: dict[str, float] = {}
        for name, data in payloads().items():
            extension = "csv" if name == "csv" else "pdf"
            times, statuses = [], set()
            for _ in range(ROUNDS):
                upload = SimpleUploadedFile(f"bench.{extension}", data)
                started = time.perf_counter()
                response = client.post(
                    url, {"file": upload, "kind": "other", "title": name}, format="multipart"
                )
                times.append(time.perf_counter() - started)
                statuses.add(response.status_code)
            want = {400} if name == "refused" else {201}
            if statuses != want:
                sys.exit(f"bench: {name} answered {sorted(statuses)}, expected {sorted(want)}")
            figures[name] = median(times)
        stored = sum(1 for path in Path(media.name).rglob("*") if path.is_file())
        if stored != 2 * ROUNDS or Document.objects.count() != 2 * ROUNDS:
            sys.exit(f"bench: {stored} files stored, {Document.objects.count()} rows")
    media.cleanup()
    verdict = "OK" if all(figures[k] < TARGETS[k] for k in TARGETS) else "MISSED"
    print(
        f"documents[postgresql, {load_average()}] median of {ROUNDS} multipart POSTs: "
        f"25 MB PDF {figures['pdf'] * 1000:.0f} ms, 25 MB CSV {figures['csv'] * 1000:.0f} ms, "
        f"30 MB refused {figures['refused'] * 1000:.0f} ms (nothing stored) "
        f"(targets {TARGETS['pdf']:g} s, {TARGETS['csv']:g} s, {TARGETS['refused']:g} s: "
        f"{verdict})"
    )
    print(f"rerun: {rerun_command()}")


if __name__ == "__main__":
    main()
