"""``/api/v1/``: every endpoint of the API (docs/lifecycle.md)."""

from django.urls import path

from committee.api import conditions
from committee.api import views as committee
from documents import api as documents
from financing.api import corrections, ledger, sharing
from projects import workflow
from projects.api import views as projects

urlpatterns = [
    path("proposals/", projects.ProposalListView.as_view(), name="api-proposals"),
    path("proposals/<int:pk>/", projects.ProposalDetailView.as_view(), name="api-proposal"),
    *[
        path(
            f"proposals/<int:pk>/{action}/",
            projects.ProposalActionView.as_view(action_name=action),
            name=f"api-proposal-{action}",
        )
        for action in workflow.ACTIONS
    ],
    path("proposals/<int:pk>/reviews/", committee.ReviewListView.as_view(), name="api-reviews"),
    path("proposals/<int:pk>/notes/", committee.NoteListView.as_view(), name="api-notes"),
    path(
        "proposals/<int:pk>/conflicts/", committee.ConflictListView.as_view(), name="api-conflicts"
    ),
    path("proposals/<int:pk>/vote/", committee.VoteView.as_view(), name="api-vote"),
    path("proposals/<int:pk>/ballot/", committee.BallotView.as_view(), name="api-ballot"),
    path(
        "proposals/<int:pk>/resolution.pdf",
        committee.ResolutionView.as_view(),
        name="api-resolution",
    ),
    path(
        "proposals/<int:pk>/conditions/",
        conditions.ConditionListView.as_view(),
        name="api-conditions",
    ),
    path(
        "conditions/<int:condition_id>/",
        conditions.ConditionDetailView.as_view(),
        name="api-condition",
    ),
    path(
        "conditions/<int:condition_id>/withdraw/",
        conditions.ConditionWithdrawView.as_view(),
        name="api-condition-withdraw",
    ),
    path(
        "conditions/<int:condition_id>/satisfy/",
        conditions.ConditionSatisfyView.as_view(),
        name="api-condition-satisfy",
    ),
    path("proposals/<int:pk>/decision/", conditions.DecisionView.as_view(), name="api-decision"),
    path(
        "proposals/<int:pk>/documents/",
        documents.DocumentListView.as_view(),
        name="api-documents",
    ),
    path(
        "documents/<int:document_id>/download/",
        documents.DocumentDownloadView.as_view(),
        name="api-document-download",
    ),
    path("proposals/<int:pk>/package/", documents.PackageView.as_view(), name="api-package"),
    path(
        "proposals/<int:pk>/distributions/",
        sharing.DistributionListView.as_view(),
        name="api-distributions",
    ),
    path("exposure/stress/", sharing.ExposureStressView.as_view(), name="api-exposure-stress"),
    path("decision-log/", committee.DecisionLogListView.as_view(), name="api-decision-log"),
    path(
        "decision-log/export/",
        committee.DecisionLogExportView.as_view(),
        name="api-decision-log-export",
    ),
    path(
        "proposals/<int:pk>/instruments/",
        ledger.InstrumentListView.as_view(),
        name="api-instruments",
    ),
    path(
        "instruments/<int:instrument_id>/transactions/",
        ledger.TransactionListView.as_view(),
        name="api-transactions",
    ),
    path("fx-rates/", ledger.FxRateListView.as_view(), name="api-fx-rates"),
    path(
        "transactions/<int:transaction_id>/reverse/",
        corrections.TransactionReverseView.as_view(),
        name="api-transaction-reverse",
    ),
    path(
        "distributions/<int:distribution_id>/reverse/",
        corrections.DistributionReverseView.as_view(),
        name="api-distribution-reverse",
    ),
    path("approvals/", corrections.ApprovalListView.as_view(), name="api-approvals"),
    path(
        "approvals/<int:approval_id>/approve/",
        corrections.ApprovalDecideView.as_view(approve=True),
        name="api-approval-approve",
    ),
    path(
        "approvals/<int:approval_id>/reject/",
        corrections.ApprovalDecideView.as_view(approve=False),
        name="api-approval-reject",
    ),
    path("proposals/<int:pk>/recovery/", corrections.RecoveryView.as_view(), name="api-recovery"),
    path("proposals/<int:pk>/true-ups/", corrections.TrueUpView.as_view(), name="api-true-ups"),
    path("exposure/", ledger.ExposureView.as_view(), name="api-exposure"),
]
