"""Shared set-up of the benchmarks: environment, a fresh PostgreSQL database, migrations.

Not a benchmark itself (its name starts with an underscore, so ``make bench`` skips it).
Each benchmark calls ``setup()`` before it imports anything from the apps.
"""

from __future__ import annotations

import os
import shlex
import statistics
import sys
import warnings
from pathlib import Path
from urllib.parse import unquote, urlsplit

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://root@127.0.0.1:5432/accord_bench"


def configure_environment() -> str:
    """Set the bench-only defaults and check that DATABASE_URL names PostgreSQL."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    os.chdir(REPO)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-insecure-key-never-use-in-production")
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    url = os.environ["DATABASE_URL"]
    if urlsplit(url).scheme not in ("postgres", "postgresql", "pgsql"):
        sys.exit(f"bench: DATABASE_URL must point at PostgreSQL (postgres://…), not {url!r}")
    return url


def recreate_database(url: str) -> None:
    """Drop and create the bench database, through the server's ``postgres`` database.

    Dropping is how the benchmarks reset the append-only decision log between runs, so the
    name must say it is a bench database: a production database is never dropped by mistake.
    """
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = unquote(parts.path.lstrip("/"))
    if "bench" not in name:
        sys.exit(
            f"bench: refusing to drop database {name!r}: its name must contain 'bench' "
            "(the benchmarks drop and recreate the database they run on)"
        )
    admin = psycopg.connect(
        host=parts.hostname or None,
        port=parts.port or None,
        user=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        dbname="postgres",
        autocommit=True,
    )
    with admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def setup(*, fresh: bool = True) -> None:
    """Environment, then (unless ``fresh=False``: a child process of a benchmark, which
    reuses its parent's database) a new database and ``migrate``; ``django.setup()``."""
    url = configure_environment()
    if fresh:
        recreate_database(url)
    # WhiteNoise warns on every start that `collectstatic` has not run; the API needs no static.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    import django

    django.setup()
    if fresh:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)


def rerun_command() -> str:
    """The exact command that reruns this benchmark, with its database."""
    script = os.path.relpath(os.path.abspath(sys.argv[0]), REPO)
    env = [
        f"{name}={shlex.quote(os.environ[name])}"
        for name in ("DATABASE_URL", "CELERY_BROKER_URL", "PGOPTIONS")
        if os.environ.get(name)
    ]
    return " ".join(
        [*env, ".venv/bin/python", shlex.quote(script), *map(shlex.quote, sys.argv[1:])]
    )


def signed_in_client(user):
    """A test client signed in as ``user`` as a real sign-in leaves the session: with the
    second factor their role needs passed (the pages measured read, they ask for no recent
    sign-in)."""
    from django.test import Client

    from accounts.sessions import MFA_OK

    client = Client()
    client.force_login(user)
    session = client.session
    session[MFA_OK] = True
    session.save()
    return client


def load_average() -> str:
    """The 1-minute load average and core count: figures on a busy machine are noisier."""
    return f"load {os.getloadavg()[0]:.1f}/{os.cpu_count()} cores"


def median(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    rank = max(1, round(0.95 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


# Proposal titles the generators draw from, in both languages.
TITLES = [
    "Grid-scale battery storage, Kansas",
    "AP1000 reactor pair, Georgia",
    "半導体前工程工場（アリゾナ州）",
    "次世代送電網の増強",
    "Critical minerals refinery, Nevada",
    "造船所の近代化（ペンシルベニア州）",
    "AI data-centre campus, Ohio",
    "原薬製造拠点の新設",
]
