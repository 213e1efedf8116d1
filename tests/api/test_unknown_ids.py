"""An id that names nothing, however it is written, is a 404 on every route that takes one."""

from __future__ import annotations

import pytest

ROUTES = [
    ("get", "/api/v1/proposals/{id}/"),
    ("patch", "/api/v1/proposals/{id}/"),
    ("post", "/api/v1/proposals/{id}/accept/"),
    ("get", "/api/v1/proposals/{id}/reviews/"),
    ("get", "/api/v1/proposals/{id}/notes/"),
    ("get", "/api/v1/proposals/{id}/conflicts/"),
    ("post", "/api/v1/proposals/{id}/vote/"),
    ("get", "/api/v1/proposals/{id}/ballot/"),
    ("get", "/api/v1/proposals/{id}/conditions/"),
    ("post", "/api/v1/conditions/{id}/satisfy/"),
    ("get", "/api/v1/proposals/{id}/decision/"),
    ("get", "/api/v1/proposals/{id}/documents/"),
    ("post", "/api/v1/proposals/{id}/documents/"),
    ("get", "/api/v1/documents/{id}/download/"),
    ("get", "/api/v1/proposals/{id}/package/"),
    ("get", "/api/v1/proposals/{id}/distributions/"),
    ("get", "/api/v1/proposals/{id}/instruments/"),
    ("get", "/api/v1/instruments/{id}/transactions/"),
    ("post", "/api/v1/instruments/{id}/transactions/"),
]


@pytest.mark.parametrize("method,route", ROUTES)
@pytest.mark.parametrize("pk", ["0", "424242", str(2**63), "9" * 30])
def test_an_id_that_names_nothing_is_404(api, committee, method, route, pk):
    client = api(committee["us_staff"])
    response = getattr(client, method)(route.format(id=pk), {}, format="json")
    assert response.status_code == 404, (route, pk, response.content[:200])
    assert response.json()["detail"]
