"""The API base for endpoints under a proposal: the URL's proposal, or 404."""

from __future__ import annotations

from core.api.base import PolicyAPIView
from projects import selectors
from projects.models import Proposal


class ProposalAPIView(PolicyAPIView):
    """An endpoint under ``proposals/<pk>/``: it reads the proposal through the policy."""

    abstract = True

    def get_proposal(self, *, co_sponsors: bool = True) -> Proposal:
        """The URL's proposal, or 404; ``co_sponsors=False`` where it is not rendered."""
        return selectors.proposal_get(
            user=self.request.user, proposal_id=self.kwargs["pk"], co_sponsors=co_sponsors
        )
