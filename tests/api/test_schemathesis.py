"""Schemathesis 4 with its default checks against gunicorn on PostgreSQL, for four roles.

The app is served by a real gunicorn on the test database, seeded with the personas and a
proposal in every state; schemathesis reads the schema the server publishes and runs every
phase (examples, coverage, fuzzing, stateful) over every operation with the role's token,
given through its authentication configuration (so `ignored_auth` checks that a request
without it is refused). Proposal ids are drawn from the seeded ones most of the time, so each
operation meets real objects in every state, and random ids the rest (404s).

A check is excluded only for one named operation, with its reason, in ``EXCLUDED``.
Runs in CI run 2 (PostgreSQL); deselected on the embedded default like integration tests.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token

from committee.services import conflict_declare, note_add, review_submit
from projects.models import Sponsor

pytestmark = [pytest.mark.schemathesis, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
ST = Path(sys.executable).with_name("st")

# Examples per operation and phase (schemathesis `--max-examples`). With about 45 operations
# this is some 2,500 requests per role; the four roles take about a minute each on 2 cores.
MAX_EXAMPLES = 20
SEED = 550
STATES = (
    "draft",
    "submitted",
    "in_review",
    "voting",
    "approved",
    "rejected",
    "withdrawn",
    "funding",
    "active",
    "closed",
)

# (operationId, check): why that check cannot hold for that one operation.
EXCLUDED = {
    ("proposals_open_ballot", "positive_data_acceptance"): (
        "`closes_at` must lie in the future (else 400): no JSON Schema keyword says 'after now'"
    ),
    ("proposals_submit", "positive_data_acceptance"): (
        "submit answers 400 naming the draft's missing fields: the stored draft, not the "
        "optional body, is what is incomplete"
    ),
    ("documents_create", "positive_data_acceptance"): (
        "a document's type is judged by its bytes (PDF, XLSX, DOCX, PPTX, CSV, PNG or JPEG; "
        "CONTRACT §4c): no JSON Schema keyword says what a binary part must contain"
    ),
}


def _database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, token: str | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    if token:
        request.add_header("Authorization", f"Token {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.fixture
def served(tmp_path):
    """gunicorn on a free loopback port, on the test database; yields its base URL."""
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "DEBUG": "0",
    }
    # Tasks run in-process in the server: nothing is left queued on the CI broker.
    for name in ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):
        env.pop(name, None)
    log = open(tmp_path / "gunicorn.log", "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            f"--bind=127.0.0.1:{port}",
            "--workers=2",
            "--timeout=60",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        if server.poll() is not None:
            pytest.fail(f"gunicorn exited at start:\n{(tmp_path / 'gunicorn.log').read_text()}")
        try:
            if _get(f"{base}/api/v1/proposals/")[0] in (401, 403):
                break
        except OSError:
            pass
        if time.monotonic() > deadline:
            server.kill()
            pytest.fail("gunicorn did not answer within 30 s")
        time.sleep(0.2)
    yield base
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
    log.close()


@pytest.fixture
def world(make_proposal, committee, sponsor_softbank, ge_vernova, westinghouse):
    """A SoftBank proposal in every state, with reviews, notes and a conflict to list."""
    proposals = {state: make_proposal(state, co_sponsors=["GE Vernova"]) for state in STATES}
    reviewed = proposals["in_review"]
    review_submit(
        user=committee["jp_member"],
        proposal_id=reviewed.pk,
        scores={"strategic_fit": 4, "financial_viability": 3, "risk": 3, "execution": 4},
        recommendation="approve",
        comments="Sound offtake.",
        visibility="committee",
    )
    note_add(
        user=committee["us_chair"],
        proposal_id=reviewed.pk,
        text="Ask about permits.",
        visibility="delegation",
    )
    conflict_declare(user=committee["jp_member_2"], proposal_id=reviewed.pk, reason="Adviser.")
    people = {
        "sponsor": sponsor_softbank,
        "member": committee["us_member"],
        "chair": committee["us_chair"],
        "staff": committee["us_staff"],
    }
    tokens = {role: Token.objects.create(user=user).key for role, user in people.items()}
    others = list(Sponsor.objects.exclude(name="SoftBank Group").values_list("name", flat=True))
    return {"ids": [p.pk for p in proposals.values()], "tokens": tokens, "co_sponsors": others}


def _config(world: dict) -> str:
    lines = [
        "[auth.openapi.tokenAuth]",
        'api_key = "Token ${ACCORD_ST_TOKEN}"',
        "",
        "[dictionaries.proposal_ids]",
        f"values = {json.dumps(world['ids'])}",
        "",
        "[dictionaries.sponsor_names]",
        f"values = {json.dumps(world['co_sponsors'], ensure_ascii=False)}",
        "",
        "[parameters]",
        '"path.id" = { dictionary = "proposal_ids", probability = 0.8 }',
        # co_sponsors must name sponsors that exist (a referential rule, not a schema one).
        '"body.co_sponsors[*]" = { dictionary = "sponsor_names", probability = 1.0 }',
    ]
    for (operation, check), reason in EXCLUDED.items():
        lines += [
            "",
            f"# {reason}",
            "[[operations]]",
            f'include-operation-id = "{operation}"',
            f"checks.{check}.enabled = false",
        ]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("role", ["sponsor", "member", "chair", "staff"])
def test_the_api_keeps_every_promise_of_its_schema(role, world, served, tmp_path):
    token = world["tokens"][role]
    status, body = _get(f"{served}/api/schema/?format=json", token)
    assert status == 200, body[:500]
    schema_path = tmp_path / "schema.json"
    schema_path.write_bytes(body)
    operations = sum(
        1 for item in json.loads(body)["paths"].values() for m in item if m != "parameters"
    )
    config = tmp_path / "schemathesis.toml"
    config.write_text(_config(world))

    result = subprocess.run(
        [
            str(ST),
            "--no-color",
            "--config-file",
            str(config),
            "run",
            str(schema_path),
            f"--url={served}",
            f"--max-examples={MAX_EXAMPLES}",
            f"--seed={SEED}",
            "--workers=2",
            "--request-timeout=30",
        ],
        cwd=tmp_path,
        env={**os.environ, "ACCORD_ST_TOKEN": token},
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = result.stdout + result.stderr
    summary = output[output.rfind("SUMMARY") :] if "SUMMARY" in output else output[-3000:]
    print(f"schemathesis as {role}: {operations} operations\n{summary}")
    assert result.returncode == 0, output[-20000:]
    assert f"Tested: {operations}" in output, summary
