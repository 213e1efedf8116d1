"""Proposal endpoints: parse, call a selector or service, render."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response

from projects import permissions, selectors, services, workflow
from projects.api.base import PolicyAPIView, anyone_signed_in
from projects.api.serializers import ActionIn, ProposalIn, ProposalOut


class ProposalListView(PolicyAPIView):
    """List the proposals you may see; a sponsor's user creates a draft."""

    policy = staticmethod(anyone_signed_in)
    serializer_class = ProposalOut

    def get_queryset(self):
        return selectors.proposal_list(user=self.request.user, filters=self.request.query_params)

    @extend_schema(
        operation_id="proposals_list",
        parameters=[
            OpenApiParameter("status", str, description="One status, or several comma-separated"),
            OpenApiParameter("sector", str),
            OpenApiParameter("sponsor", str, description="Lead or co-sponsor name"),
            OpenApiParameter("q", str, description="Search in title and reference"),
        ],
    )
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ProposalOut(page, many=True).data)

    @extend_schema(request=ProposalIn, responses={201: ProposalOut})
    def post(self, request):
        permissions.require(permissions.can_create(request.user), "Only sponsors create proposals.")
        data = self.parse(ProposalIn)
        proposal = services.proposal_create(user=request.user, **data)
        return Response(ProposalOut(proposal).data, status=status.HTTP_201_CREATED)


class ProposalDetailView(PolicyAPIView):
    """One proposal; its lead sponsor edits it while it is a draft."""

    policy = staticmethod(anyone_signed_in)
    serializer_class = ProposalOut

    def get(self, request, pk):
        return Response(ProposalOut(self.get_proposal()).data)

    @extend_schema(request=ProposalIn, responses={200: ProposalOut})
    def patch(self, request, pk):
        proposal = self.get_proposal()
        permissions.require(
            permissions.is_lead_sponsor_user(request.user, proposal),
            "Only the lead sponsor's users may edit this proposal.",
        )
        data = self.parse(ProposalIn, partial=True)
        proposal = services.proposal_update(user=request.user, proposal_id=proposal.pk, **data)
        return Response(ProposalOut(selectors.proposal_get(user=request.user, proposal_id=pk)).data)


class ProposalActionView(PolicyAPIView):
    """Fire a lifecycle action (CONTRACT §3); the URL names the action."""

    policy = staticmethod(anyone_signed_in)
    serializer_class = ActionIn
    action_name = ""

    @extend_schema(request=ActionIn, responses={200: ProposalOut})
    def post(self, request, pk):
        proposal = self.get_proposal()  # 404 first: nothing is revealed of what one cannot see
        permissions.require(
            permissions.can_fire(request.user, proposal, workflow.TRANSITIONS[self.action_name]),
            "Your role may not do this to this proposal.",
        )
        data = self.parse(ActionIn)
        proposal = services.proposal_transition(
            user=request.user,
            proposal_id=pk,
            action=self.action_name,
            comment=data.get("comment", ""),
            closes_at=data.get("closes_at"),
        )
        # Rendered as the service left it: after `return` the actor may no longer see it.
        return Response(ProposalOut(proposal).data)
