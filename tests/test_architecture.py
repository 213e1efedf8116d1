"""The layering, checked on the source: apps import only apps ranked below them (modules,
function-local imports and template tags alike), and no two files import each other."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = (
    "config",
    "core",
    "accounts",
    "projects",
    "committee",
    "financing",
    "documents",
    "notifications",
)


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """First-party modules that ``path`` imports at module level or anywhere inside it."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = (
        module_name(path).rsplit(".", 1)[0] if path.name != "__init__.py" else module_name(path)
    )
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            names = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            while name and name not in modules:
                name = name.rpartition(".")[0]
            if name:
                found.add(name)
    return found


def test_there_are_no_import_cycles_between_files():
    files = [
        p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py") if "migrations" not in p.parts
    ]
    modules = {module_name(p): p for p in files}
    graph = {name: imports_of(path, set(modules)) - {name} for name, path in modules.items()}
    # Packages' __init__ files import nothing of ours except config's Celery app.
    cycles, state = [], {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = "active"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "active":
                cycles.append(stack[stack.index(nxt) :] + [nxt] if nxt in stack else [node, nxt])
            elif nxt not in state:
                visit(nxt, [*stack, nxt])
        state[node] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


def test_every_api_endpoint_derives_from_the_policy_base_view():
    from django.urls import get_resolver

    from core.api.base import PolicyAPIView

    api = next(p for p in get_resolver().url_patterns if str(p.pattern) == "api/v1/")
    views = {pattern.name: pattern.callback.view_class for pattern in api.url_patterns}
    assert len(views) > 10
    strays = [name for name, view in views.items() if not issubclass(view, PolicyAPIView)]
    assert not strays


# Apps by rank, bottom to top (README, "Layout"): an app imports only apps of a lower rank.
RANKS = {
    "core": 0,
    # Sign-in, factors, tokens, sessions: beside the kernel, importing none of Accord's apps.
    "accounts": 0,
    "projects": 1,
    "committee": 2,
    "documents": 3,
    "financing": 3,
    "notifications": 3,
    "config": 4,
}
LOAD = re.compile(r"{%\s*load\s+([^%]+?)\s*%}")


def _app_of_module(name: str) -> str:
    return name.split(".", 1)[0]


def _tag_libraries() -> dict[str, str]:
    """Template tag library name -> the app that defines it."""
    return {
        path.stem: app
        for app in RANKS
        for path in (ROOT / app).glob("templatetags/*.py")
        if path.stem != "__init__"
    }


def _template_owner(path: Path) -> str:
    """templates/<app>/… and <app>/templates/… belong to that app; the site's own layout
    (templates/base.html, includes/, registration/) sits at the top, with config."""
    parts = path.relative_to(ROOT).parts
    if parts[0] == "templates":
        return parts[1] if len(parts) > 2 and parts[1] in RANKS else "config"
    return parts[0]


def _upward(owner: str, used: str) -> bool:
    return used != owner and RANKS[used] >= RANKS[owner]


def test_no_app_imports_an_app_of_its_own_rank_or_above():
    modules = {
        module_name(p): p
        for pkg in PACKAGES
        for p in (ROOT / pkg).rglob("*.py")
        if "migrations" not in p.parts
    }
    wrong = sorted(
        f"{name} imports {target}"
        for name, path in modules.items()
        for target in imports_of(path, set(modules))
        if _upward(_app_of_module(name), _app_of_module(target))
    )
    assert not wrong, "imports against the ranks:\n" + "\n".join(wrong)


def test_no_template_loads_tags_of_an_app_of_its_own_rank_or_above():
    libraries = _tag_libraries()
    templates = [*ROOT.glob("templates/**/*.html"), *ROOT.glob("*/templates/**/*.html")]
    assert templates
    wrong = sorted(
        f"{path.relative_to(ROOT)} loads {library} ({libraries[library]})"
        for path in templates
        for match in LOAD.finditer(path.read_text(encoding="utf-8"))
        for library in match.group(1).split()
        if library in libraries and _upward(_template_owner(path), libraries[library])
    )
    assert not wrong, "template tags against the ranks:\n" + "\n".join(wrong)


def test_the_ranks_cover_every_app():
    from django.conf import settings

    ours = {app for app in settings.INSTALLED_APPS if (ROOT / app).is_dir()}
    assert ours | {"config"} == set(RANKS)
