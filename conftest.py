"""Repository-wide pytest hooks: which suite runs, no silent skips in CI, the browser to use.

Fixtures for the application's tests live in tests/conftest.py; this file holds only the
hooks that decide how the suite runs on a given machine.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; without this Django raises
# SynchronousOnlyOperation when a live_server test touches the ORM.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
INTEGRATION_DIR = Path(__file__).resolve().parent / "tests" / "integration"


def _skips_are_failures() -> bool:
    return bool(os.environ.get("CI")) or os.environ.get("ACCORD_NO_SKIPS") == "1"


def _integration_available() -> bool:
    """PostgreSQL and a broker are configured: the integration suite can run."""
    database_url = os.environ.get("DATABASE_URL", "")
    return database_url.startswith("postgres") and bool(os.environ.get("CELERY_BROKER_URL"))


# Markers of tests that need PostgreSQL and a broker: deselected together on the default.
SERVICE_MARKERS = ("integration", "schemathesis")


def _is_integration(item: pytest.Item) -> bool:
    return any(item.get_closest_marker(name) is not None for name in SERVICE_MARKERS)


def pytest_report_header(config: pytest.Config) -> list[str]:
    if _integration_available():
        suite = "accord: PostgreSQL + broker; integration tests included"
    else:
        suite = "accord: embedded default (SQLite, eager tasks); integration tests deselected"
    if _skips_are_failures():
        suite += "; skips are failures"
    return [suite]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Everything under tests/integration/ is an integration test, marked or not.
    for item in items:
        if INTEGRATION_DIR in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.integration)

    if _integration_available():
        return
    # Deselect rather than skip: on the embedded default these tests are not part of the
    # suite at all, so they cannot hide among skips (which CI turns into failures).
    deselected = [item for item in items if _is_integration(item)]
    if deselected:
        items[:] = [item for item in items if not _is_integration(item)]
        config.hook.pytest_deselected(items=deselected)


def _skip_reason(longrepr: object) -> str:
    # A skip's longrepr is (path, lineno, "Skipped: reason").
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)


def _fail_skip(report: pytest.TestReport | pytest.CollectReport) -> None:
    if report.skipped and not hasattr(report, "wasxfail") and _skips_are_failures():
        report.outcome = "failed"
        report.longrepr = f"skips are failures in CI: {_skip_reason(report.longrepr)}"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    report = yield
    _fail_skip(report)
    return report


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector: pytest.Collector):
    # A module-level pytest.skip() or importorskip() skips a whole file: same rule.
    report = yield
    _fail_skip(report)
    return report


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Launch the system's Chromium (Debian package) instead of a Playwright download."""
    executable = os.environ.get("CHROMIUM_PATH", DEFAULT_CHROMIUM)
    if not os.access(executable, os.X_OK):
        pytest.fail(
            f"Chromium not found at {executable}: browser tests need it. "
            "Install Debian's chromium package (`make test` does so when run as root) "
            "or set CHROMIUM_PATH to a Chromium binary.",
            pytrace=False,
        )
    return {**browser_type_launch_args, "executable_path": executable, "args": CHROMIUM_ARGS}
