"""Server-rendered pages (README.md)."""

from django.urls import include, path, re_path

from committee import condition_views
from committee import views as committee
from documents import views as documents
from financing import views as financing
from notifications import views as notifications
from projects import views as projects

urlpatterns = [
    path("", include("accounts.urls")),
    path("", committee.home, name="home"),
    path("proposals/", projects.proposal_list, name="proposal-list"),
    path("proposals/new/", projects.proposal_create, name="proposal-create"),
    path("proposals/<int:pk>/", projects.proposal_detail, name="proposal-detail"),
    re_path(
        r"^proposals/ref/(?P<reference>[A-Za-z0-9-]{1,20})/$",
        projects.proposal_by_reference,
        name="proposal-by-reference",
    ),
    path("proposals/<int:pk>/edit/", projects.proposal_edit, name="proposal-edit"),
    path(
        "proposals/<int:pk>/action/<slug:action>/",
        projects.proposal_action,
        name="proposal-action",
    ),
    path("proposals/<int:pk>/notes/", committee.note_create, name="note-create"),
    path("proposals/<int:pk>/reviews/", committee.review_create, name="review-create"),
    path("proposals/<int:pk>/conflicts/", committee.conflict_create, name="conflict-create"),
    path("proposals/<int:pk>/vote/", committee.vote_cast, name="vote-cast"),
    path(
        "proposals/<int:pk>/conditions/",
        condition_views.condition_create,
        name="condition-create",
    ),
    path(
        "proposals/<int:pk>/conditions/<int:condition_id>/satisfy/",
        condition_views.condition_satisfy,
        name="condition-satisfy",
    ),
    path(
        "proposals/<int:pk>/conditions/<int:condition_id>/edit/",
        condition_views.condition_edit,
        name="condition-edit",
    ),
    path(
        "proposals/<int:pk>/conditions/<int:condition_id>/withdraw/",
        condition_views.condition_withdraw,
        name="condition-withdraw",
    ),
    path("proposals/<int:pk>/decision/", condition_views.decision_record, name="decision-record"),
    path("proposals/<int:pk>/resolution.pdf", committee.resolution_pdf, name="resolution-pdf"),
    path("account/", notifications.account, name="account"),
    path("account/password/", notifications.password_change, name="password-change"),
    path("proposals/<int:pk>/documents/", documents.document_upload, name="document-upload"),
    path("proposals/<int:pk>/package/", documents.package_page, name="package-detail"),
    path("exposure/", financing.exposure, name="exposure"),
    path("exposure/fx-rates/", financing.exposure_fx_rate, name="exposure-fx-rate"),
    path("proposals/<int:pk>/instruments/", financing.instrument_create, name="instrument-create"),
    path(
        "proposals/<int:pk>/transactions/", financing.transaction_create, name="transaction-create"
    ),
    path(
        "proposals/<int:pk>/distributions/",
        financing.distribution_create,
        name="distribution-create",
    ),
    path("proposals/<int:pk>/fx-rates/", financing.fx_rate_create, name="fx-rate-create"),
    path(
        "proposals/<int:pk>/transactions/<int:transaction_id>/reverse/",
        financing.transaction_reverse,
        name="transaction-reverse",
    ),
    path(
        "proposals/<int:pk>/distributions/<int:distribution_id>/reverse/",
        financing.distribution_reverse,
        name="distribution-reverse",
    ),
    path("proposals/<int:pk>/true-ups/", financing.true_up_create, name="true-up-create"),
    path(
        "approvals/<int:approval_id>/approve/",
        financing.approval_decide,
        {"decision": "approve"},
        name="approval-approve",
    ),
    path(
        "approvals/<int:approval_id>/reject/",
        financing.approval_decide,
        {"decision": "reject"},
        name="approval-reject",
    ),
    path("decision-log/", committee.decision_log, name="decision-log"),
    path("decision-log/export/", committee.decision_log_export, name="decision-log-export"),
]
