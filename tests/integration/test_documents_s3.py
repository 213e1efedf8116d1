"""Documents on an S3-compatible store (docs/documents.md), against moto's server on a free port.

The S3 switch is the environment (``ACCORD_STORAGE=s3`` with ``AWS_*``): a fresh process
shows the settings it yields; the uploads and downloads then go through the API with those
settings in force, and the bucket is looked at directly.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
from moto.server import ThreadedMotoServer

from core.decision_log import decision_log_verify
from documents.models import Document
from projects.services import proposal_transition
from tests.documents import files

ROOT = Path(__file__).resolve().parents[2]
BUCKET = "accord-documents-test"
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@pytest.fixture(scope="module")
def s3_endpoint():
    """moto's S3 server on 127.0.0.1 and a port the OS picks; the test credentials."""
    saved = {name: os.environ.get(name) for name in CREDENTIALS}
    os.environ.update(CREDENTIALS)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket=BUCKET)
    yield endpoint
    server.stop()
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def s3_environment(endpoint: str) -> dict[str, str]:
    return {
        "ACCORD_STORAGE": "s3",
        "AWS_STORAGE_BUCKET_NAME": BUCKET,
        "AWS_S3_ENDPOINT_URL": endpoint,
        "AWS_S3_ADDRESSING_STYLE": "path",
    }


@pytest.fixture(scope="module")
def s3_storages(s3_endpoint):
    """STORAGES as config/settings.py builds them from the S3 environment, in a new process."""
    env = {**os.environ, **s3_environment(s3_endpoint), "SECRET_KEY": "x"}
    script = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.STORAGES))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.fixture
def on_s3(settings, s3_storages, s3_endpoint):
    settings.STORAGES = s3_storages
    bucket = boto3.resource("s3", endpoint_url=s3_endpoint).Bucket(BUCKET)
    bucket.objects.all().delete()
    return bucket


def test_the_environment_alone_switches_documents_to_s3(s3_storages, s3_endpoint):
    default = s3_storages["default"]
    assert default["BACKEND"] == "storages.backends.s3.S3Storage"
    assert default["OPTIONS"]["bucket_name"] == BUCKET
    assert default["OPTIONS"]["endpoint_url"] == s3_endpoint


def test_uploads_and_downloads_go_through_the_s3_store(
    on_s3, api, make_proposal, sponsor_softbank, us_staff, us_chair, jp_member
):
    proposal = make_proposal("draft")
    response = api(sponsor_softbank).post(
        f"/api/v1/proposals/{proposal.pk}/documents/",
        {"file": files.term_sheet(), "kind": "term_sheet", "title": "Term sheet"},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    document = Document.objects.get()
    keys = [item.key for item in on_s3.objects.all()]
    assert keys == [document.file.name]
    stored = on_s3.Object(document.file.name).get()["Body"].read()
    assert hashlib.sha256(stored).hexdigest() == document.sha256

    proposal_transition(user=sponsor_softbank, proposal_id=proposal.pk, action="submit")
    proposal_transition(user=us_staff, proposal_id=proposal.pk, action="accept")
    proposal_transition(user=us_chair, proposal_id=proposal.pk, action="open_ballot")
    download = api(jp_member).get(f"/api/v1/documents/{document.pk}/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == files.PDF
    assert download["Content-Disposition"].startswith("attachment;")
    package = api(jp_member).get(f"/api/v1/proposals/{proposal.pk}/package/")
    assert package.json()["documents"][0]["sha256"] == document.sha256
    assert decision_log_verify().ok


def test_refused_uploads_leave_the_bucket_empty(
    on_s3, api, make_proposal, sponsor_softbank, settings
):
    proposal = make_proposal("draft")
    client = api(sponsor_softbank)
    url = f"/api/v1/proposals/{proposal.pk}/documents/"
    executable = client.post(
        url,
        {"file": files.upload("term-sheet.pdf", files.ELF), "kind": "permit", "title": "P"},
        format="multipart",
    )
    settings.ACCORD_MAX_UPLOAD_BYTES = 64
    oversized = client.post(
        url,
        {"file": files.term_sheet(), "kind": "term_sheet", "title": "Term sheet"},
        format="multipart",
    )
    assert (executable.status_code, oversized.status_code) == (400, 400)
    assert list(on_s3.objects.all()) == []
    assert Document.objects.count() == 0
