"""The published OpenAPI schema against what the API does (fast; both CI runs).

Schemathesis (``test_schemathesis.py``) fuzzes a real server against the schema; these tests
pin the promises it relies on, and the few behaviours that make them true.
"""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator

from core.api.schema import NON_BLANK_TEXT

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def resolve(schema, node):
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def test_it_generates_with_no_warning_and_validates(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml"))


def test_every_operation_documents_its_errors_with_the_one_error_body(schema):
    missing = []
    for path, method, operation in operations(schema):
        wanted = {"401", "403"}
        if "{" in path:
            wanted.add("404")
        if "requestBody" in operation:
            wanted.add("400")
        codes = set(operation["responses"])
        if not wanted <= codes:
            missing.append(f"{method.upper()} {path}: {sorted(wanted - codes)}")
        for code in codes & {"400", "401", "403", "404", "409"}:
            body = operation["responses"][code]["content"]["application/json"]["schema"]
            assert body == {"$ref": "#/components/schemas/Error"}, (path, method, code)
    assert not missing, missing


def test_the_error_body_allows_a_list_of_messages_per_field(schema):
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["detail"]
    assert error["additionalProperties"] == {"type": "array", "items": {"type": "string"}}


def test_every_operation_has_a_typed_success_body_and_both_auth_schemes(schema):
    for path, method, operation in operations(schema):
        success = [code for code in operation["responses"] if code.startswith("2")]
        assert success, (path, method)
        for code in success:
            content = operation["responses"][code].get("content")
            assert content, f"{method.upper()} {path} {code} has no body type"
        assert {"tokenAuth": []} in operation["security"], (path, method)
        assert {"cookieAuth": []} in operation["security"], (path, method)
    assert set(schema["components"]["securitySchemes"]) == {"tokenAuth", "cookieAuth"}


@pytest.mark.parametrize(
    ("path", "shape"),
    [
        ("/api/v1/proposals/", "paginated"),
        ("/api/v1/decision-log/", "paginated"),
        ("/api/v1/proposals/{id}/reviews/", "array"),
        ("/api/v1/proposals/{id}/notes/", "array"),
        ("/api/v1/proposals/{id}/conflicts/", "array"),
    ],
)
def test_lists_are_documented_as_lists(schema, path, shape):
    body = resolve(
        schema,
        schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"],
    )
    if shape == "array":
        assert body["type"] == "array"
    else:
        assert {"count", "next", "previous", "results"} <= set(body["properties"])
        assert body["properties"]["results"]["type"] == "array"


def test_every_field_of_a_proposal_and_a_log_entry_is_required(schema):
    proposal = schema["components"]["schemas"]["ProposalOut"]
    assert set(proposal["required"]) == set(proposal["properties"])
    assert proposal["properties"]["submitted_at"]["nullable"] is True
    # A draft's sector is "": the response schema must allow it.
    assert {"$ref": "#/components/schemas/BlankEnum"} in proposal["properties"]["sector"]["oneOf"]
    entry = schema["components"]["schemas"]["DecisionLogEntryOut"]
    assert set(entry["required"]) == {
        "seq",
        "at",
        "actor",
        "proposal",
        "event",
        "data",
        "prev_hash",
        "hash",
    }
    assert entry["properties"]["proposal"]["nullable"] is True


def test_the_export_declares_the_media_types_it_serves(schema):
    content = schema["paths"]["/api/v1/decision-log/export/"]["get"]["responses"]["200"]["content"]
    assert set(content) == {
        "text/csv",
        "application/x-ndjson",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }


def test_a_positive_decimal_pattern_refuses_every_spelling_of_zero():
    from decimal import Decimal

    from rest_framework import serializers

    from core.api.schema import decimal_rules

    field = serializers.DecimalField(max_digits=20, decimal_places=2, min_value=Decimal("0.01"))
    pattern = decimal_rules(field)["pattern"]
    assert [v for v in ("0", "00", "0.0", "0.00", ".00", "-1") if re.match(pattern, v)] == []
    assert all(re.match(pattern, v) for v in ("0.01", ".5", "10", "0012.50"))


def test_input_rules_are_in_the_schema(schema):
    proposal_in = schema["components"]["schemas"]["ProposalIn"]["properties"]
    amount = proposal_in["amount_requested"]["pattern"]
    assert re.match(amount, "4000000000.50") and not re.match(amount, "-1")
    assert not re.match(amount, "") and not re.match(amount, "1.005")
    note = schema["components"]["schemas"]["NoteIn"]["properties"]["text"]
    assert note["pattern"] == NON_BLANK_TEXT
    assert not re.match(NON_BLANK_TEXT, "   ") and not re.match(NON_BLANK_TEXT, "a\x00")
    ret = schema["paths"]["/api/v1/proposals/{id}/return/"]["post"]["requestBody"]
    assert ret["required"] is True
    body = resolve(schema, ret["content"]["application/json"]["schema"])
    assert body["required"] == ["comment"]


def test_a_request_with_the_wrong_json_type_is_refused_with_the_field_named(
    api, make_proposal, us_member
):
    proposal = make_proposal("in_review")
    response = api(us_member).post(
        f"/api/v1/proposals/{proposal.pk}/notes/", {"text": 0}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["text"] == ["Expected a string."]


def test_nested_field_errors_come_back_as_one_list_per_dotted_path(api, make_proposal, us_member):
    proposal = make_proposal("in_review")
    body = {
        "scores": {"strategic_fit": 9, "financial_viability": 3, "risk": 3, "execution": 3},
        "recommendation": "approve",
    }
    response = api(us_member).post(f"/api/v1/proposals/{proposal.pk}/reviews/", body, format="json")
    assert response.status_code == 400
    data = response.json()
    assert isinstance(data["detail"], str)
    assert isinstance(data["scores.strategic_fit"], list)
    assert all(isinstance(v, list) for k, v in data.items() if k != "detail")


def test_an_unknown_url_under_the_api_answers_the_json_error_body(api, us_member, settings):
    settings.DEBUG = False
    response = api(us_member).get("/api/v1/proposals/not-a-number/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_an_unknown_status_filter_is_refused_not_ignored(api, us_member):
    response = api(us_member).get("/api/v1/proposals/", {"status": "in_review,nonsense"})
    assert response.status_code == 400
    assert "status" in response.json()
    assert (
        api(us_member).get("/api/v1/proposals/", {"status": "in_review,voting"}).status_code == 200
    )


def test_the_list_renders_each_proposal_exactly_as_the_detail_does(
    api, make_proposal, sponsor_softbank, ge_vernova
):
    """The list builds its JSON from values() rows (bench/load.py): the same JSON as ProposalOut."""
    for state in ("draft", "submitted", "approved"):
        make_proposal(state, co_sponsors=["GE Vernova"])
    make_proposal("draft", title="", sector="", description="")
    client = api(sponsor_softbank)
    listed = client.get("/api/v1/proposals/").json()["results"]
    assert len(listed) == 4
    for row in listed:
        assert row == client.get(f"/api/v1/proposals/{row['id']}/").json()


def test_pages_link_to_each_other_and_a_page_past_the_end_is_404(api, make_proposal, us_member):
    for _ in range(3):
        make_proposal("in_review")
    client = api(us_member)
    first = client.get("/api/v1/proposals/", {"page_size": 2, "page": 1}).json()
    assert first["count"] == 3
    assert client.get("/api/v1/proposals/", {"page": 2}).status_code == 404
    assert client.get("/api/v1/proposals/", {"page": "x"}).status_code == 404


@pytest.mark.parametrize(
    "bound", ["3995-08-23T22:06:59.716972+22:32", "9999-12-31T23:59:59-10:00", "2025-01-01", ""]
)
def test_every_date_or_time_the_schema_allows_as_a_log_bound_is_answered(api, us_member, bound):
    response = api(us_member).get("/api/v1/decision-log/", {"since": bound, "until": bound})
    assert response.status_code == 200, response.content
