"""Every API endpoint and every page has rows in the permission matrix.

A route added without rows fails here, by name: nobody has written down who may use it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.converters import get_converters
from django.urls.resolvers import RegexPattern, RoutePattern

from tests.permissions.matrix import MATRIX

# Not Accord's own surface, or the login views, which every persona must reach.
EXCLUDED = ("admin/", "api/schema/", "api/docs/", "i18n/", "accounts/", "static/", "media/")
HANDLERS = ("get", "post", "put", "patch", "delete")


def walk(patterns, parents: tuple = ()) -> Iterator[tuple[tuple, URLPattern]]:
    """Yield (the chain of route patterns, pattern) for every URL, following include()s."""
    for pattern in patterns:
        chain = (*parents, pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, chain)
        else:
            yield chain, pattern


def route_of(chain: tuple) -> str:
    """The full route as Django shows it: ``api/v1/proposals/<int:pk>/``, ``^…$`` pieces kept."""
    return "".join(str(piece) for piece in chain)


def accord_routes() -> list[tuple[tuple, URLPattern]]:
    found = []
    for chain, pattern in walk(get_resolver().url_patterns):
        plain = re.sub(r"^\^|\$$", "", route_of(chain).replace("\\", ""))
        if not plain.startswith(EXCLUDED):
            found.append((chain, pattern))
    return found


def _placeholder(name: str, converter_regex: str) -> str:
    if name == "pk":
        return r"\{id\}"
    if name == "reference":
        return r"\{ref\}"
    # Any other parameter: a placeholder, or a literal value (e.g. an action's name).
    return rf"(?:\{{\w+\}}|{converter_regex})"


def _route_regex(piece: RoutePattern) -> str:
    route, regex, position = piece._route, "", 0
    for match in re.finditer(r"<(?:(\w+):)?(\w+)>", route):
        regex += re.escape(route[position : match.start()])
        converter = get_converters()[match.group(1) or "str"]
        regex += _placeholder(match.group(2), converter.regex)
        position = match.end()
    return regex + re.escape(route[position:])


def _regex_regex(piece: RegexPattern) -> str:
    regex = piece._regex.removeprefix("^").removesuffix("$")
    out, position = "", 0
    for match in re.finditer(r"\(\?P<(\w+)>", regex):
        if match.start() < position:
            continue
        depth, end = 1, match.end()
        while depth:  # the named group's closing parenthesis
            depth += {"(": 1, ")": -1}.get(regex[end], 0)
            end += 1
        inner = regex[match.end() : end - 1]
        out += regex[position : match.start()] + _placeholder(match.group(1), inner)
        position = end
    return out + regex[position:]


def as_template_regex(chain: tuple) -> re.Pattern[str]:
    """Match the matrix's path templates: ``<int:pk>`` is ``{id}``, ``reference`` ``{ref}``.

    Any other parameter matches a placeholder or a literal segment, so that a page such as
    ``proposals/<int:pk>/action/<slug:action>/`` is covered by rows that name an action.
    """
    parts = [
        _route_regex(piece) if isinstance(piece, RoutePattern) else _regex_regex(piece)
        for piece in chain
    ]
    return re.compile("/" + "".join(parts))


def methods_of(pattern: URLPattern) -> set[str]:
    """The HTTP methods a class-based view implements (a function view: unknown, empty)."""
    view_class = getattr(pattern.callback, "view_class", None)
    if view_class is None:
        return set()
    return {name.upper() for name in HANDLERS if hasattr(view_class, name)}


def test_the_walk_finds_both_surfaces():
    routes = [route_of(chain) for chain, _pattern in accord_routes()]
    assert any(route.startswith("api/v1/") for route in routes)
    assert "proposals/<int:pk>/" in routes
    assert "" in routes  # the home page


def test_every_route_has_rows_in_the_matrix():
    endpoints: dict[str, set[str]] = {}
    for row in MATRIX:
        endpoints.setdefault(row.endpoint, set()).add(row.method)
    missing = []
    for chain, pattern in accord_routes():
        route, regex = route_of(chain), as_template_regex(chain)
        covered = [endpoint for endpoint in endpoints if regex.fullmatch(endpoint)]
        if not covered:
            missing.append(f"/{route} ({pattern.name}): no row")
            continue
        methods = set().union(*(endpoints[endpoint] for endpoint in covered))
        for method in sorted(methods_of(pattern) - methods):
            missing.append(f"/{route} ({pattern.name}): no {method} row")
    assert not missing, "Routes without rows in tests/permissions/matrix.py:\n" + "\n".join(missing)


def test_every_row_of_the_matrix_names_a_real_route():
    unknown = set()
    for row in MATRIX:
        path = row.endpoint.replace("{id}", "1").replace("{ref}", "P-2025-0001")
        path = re.sub(r"\{\w+\}", "1", path)  # any other id, e.g. {instrument}
        try:
            resolve(path)
        except Exception:  # Resolver404: a typo in the matrix, or a route that went away
            unknown.add(row.endpoint)
    assert not unknown, f"Matrix rows for routes that do not exist: {sorted(unknown)}"
