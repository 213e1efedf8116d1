"""Proposal endpoints: parse, call a selector or service, render."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response

from accounts.policy import require_recent_authentication
from core.api.base import PolicyAPIView, anyone_signed_in, error_responses
from core.api.schema import AccordAutoSchema, text_query
from projects import selectors, services, workflow
from projects.api.base import ProposalAPIView
from projects.api.serializers import ProposalFilterIn, ProposalIn, ProposalOut, action_input
from projects.models import Sector

STATUS_LIST = ProposalFilterIn.STATUS_LIST


class ProposalListView(PolicyAPIView):
    """List the proposals you may see; a sponsor's user creates a draft."""

    policy = staticmethod(anyone_signed_in)
    serializer_class = ProposalOut

    def get_queryset(self):
        return selectors.proposal_list(user=self.request.user, filters=self.request.query_params)

    @extend_schema(
        operation_id="proposals_list",
        parameters=[
            OpenApiParameter(
                "status",
                {"type": "string", "pattern": STATUS_LIST},
                description="One status, or several comma-separated",
            ),
            OpenApiParameter("sector", str, enum=Sector.values),
            OpenApiParameter("sponsor", text_query(), description="Lead or co-sponsor name"),
            OpenApiParameter("q", text_query(), description="Search in title and reference"),
        ],
        # 400: an unknown status or sector; 404: a page past the last one.
        responses={200: ProposalOut(many=True), **error_responses(400, 404)},
    )
    def get(self, request):
        self.parse_query(ProposalFilterIn)
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ProposalOut(page, many=True).data)

    @extend_schema(
        operation_id="proposals_create",
        request=ProposalIn,
        responses={201: ProposalOut, **error_responses(400)},
    )
    def post(self, request):
        proposal = services.proposal_create(user=request.user, body=self.body(ProposalIn))
        return Response(ProposalOut(proposal).data, status=status.HTTP_201_CREATED)


class ProposalDetailView(ProposalAPIView):
    """One proposal; its lead sponsor edits it while it is a draft."""

    policy = staticmethod(anyone_signed_in)
    serializer_class = ProposalOut

    @extend_schema(
        operation_id="proposals_retrieve", responses={200: ProposalOut, **error_responses(404)}
    )
    def get(self, request, pk):
        return Response(ProposalOut(self.get_proposal()).data)

    @extend_schema(
        operation_id="proposals_partial_update",
        request=ProposalIn,
        responses={200: ProposalOut, **error_responses(400, 404, 409)},
    )
    def patch(self, request, pk):
        body = self.body(ProposalIn, partial=True)
        proposal = services.proposal_update(user=request.user, proposal_id=pk, body=body)
        return Response(ProposalOut(proposal).data)


class ProposalActionSchema(AccordAutoSchema):
    """One operation per action URL, each with the body that action takes."""

    def get_operation_id(self):
        return f"proposals_{self.view.action_name}"

    def get_request_serializer(self):
        return action_input(self.view.action_name)

    def get_description(self):
        return f"Fire `{self.view.action_name}` on the proposal (docs/lifecycle.md)."


class ProposalActionView(ProposalAPIView):
    """Fire a lifecycle action (docs/lifecycle.md); the URL names the action."""

    policy = staticmethod(anyone_signed_in)
    serializer_class = ProposalOut
    schema = ProposalActionSchema()
    action_name = ""

    @extend_schema(responses={200: ProposalOut, **error_responses(400, 404, 409)})
    def post(self, request, pk):
        # What decides asks a session that signed in long ago to confirm who it is (403):
        # after the service's 404 and 403, before the body's 400.
        recent = self.action_name in workflow.RECENT_SIGN_IN_ACTIONS
        body = self.body(
            action_input(self.action_name), check=require_recent_authentication if recent else None
        )
        proposal = services.proposal_transition(
            user=request.user, proposal_id=pk, action=self.action_name, body=body
        )
        # Rendered as the service left it: after `return` the actor may no longer see it.
        return Response(ProposalOut(proposal).data)
