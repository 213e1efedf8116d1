"""Writes of documents and decision packages: lock, check the policy, save, log.

A file is written to storage before the row's transaction (the bytes cannot wait for a task
after commit: they live in the request) and removed again if that transaction fails, so a
refused or failed upload leaves nothing behind. Nothing is stored before every check passed.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from committee.models import Review
from core import inputs
from core import rules as log_rules
from core.decision_log import decision_log_append
from core.errors import Invalid, InvalidState, object_pk
from core.inputs import Reader
from core.models import Visibility
from core.roles import DELEGATIONS
from documents import permissions
from projects import permissions as proposal_permissions
from projects import workflow
from projects.models import Proposal

from . import selectors, sniffing
from .models import DecisionPackage, Document, Kind, document_path

# Version 2 names people by their full name beside their username.
PACKAGE_FORMAT = "accord-decision-package/2"
CHUNK = 1024 * 1024


def _proposal(proposal_id: Any, *, lock: bool = False) -> Proposal | None:
    pk = object_pk(proposal_id)
    rows = Proposal.objects.select_related("sponsor")
    if lock:
        rows = rows.select_for_update()
    return rows.filter(pk=pk).first()


def document_upload_check(user: Any, proposal: Proposal) -> None:
    """Refuse an upload the user's role never makes (403) or the state does not allow (409)."""
    proposal_permissions.require(
        permissions.may_upload_documents(user, proposal),
        _("Your role may not attach documents to this proposal."),
    )
    if not permissions.document_upload_open(user, proposal):
        raise InvalidState(
            _("Documents cannot be attached by you while the proposal is %(status)s.")
            % {"status": proposal.get_status_display()}
        )


def too_large_message() -> str:
    return _("The file is larger than %(limit)s.") % {
        "limit": filesizeformat(settings.ACCORD_MAX_UPLOAD_BYTES)
    }


def _invalid(field: str, message: str) -> Invalid:
    return Invalid(message, detail={field: [message]})


def _sha256(upload: Any) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    while chunk := upload.read(CHUNK):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _clean_filename(name: str) -> str:
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"<>:|?*').strip(" .")
    return name[:200]


def _superseded(proposal: Proposal, user: Any, supersedes_id: Any) -> Document | None:
    if supersedes_id in (None, ""):
        return None
    try:
        pk = int(supersedes_id)
    except (TypeError, ValueError):
        raise _invalid("supersedes", _("Choose a document of this proposal.")) from None
    old = Document.objects.filter(pk=pk, proposal=proposal).first()
    if old is None:
        raise _invalid("supersedes", _("Choose a document of this proposal."))
    if Document.objects.filter(supersedes=old).exists():
        raise _invalid(
            "supersedes", _("That document already has a newer version: replace the newest.")
        )
    if old.party != selectors.party_of(user):
        raise _invalid(
            "supersedes",
            _("Only whoever attached a document (sponsor, secretariat or committee) replaces it."),
        )
    return old


def _checked_fields(*, kind: str, title: str) -> str:
    """The title, trimmed, once the kind and title are acceptable (400 per field if not)."""
    problems: dict[str, list[str]] = {}
    if kind not in Kind.values:
        problems["kind"] = [_("Choose a kind of document.")]
    title = (title or "").strip()
    if not title:
        problems["title"] = [_("Give the document a title.")]
    elif len(title) > 300:
        problems["title"] = [_("At most 300 characters.")]
    if problems:
        raise Invalid(_("Check the highlighted fields."), detail=problems)
    return title


def _checked_file(upload: Any, filename: str | None) -> tuple[str, sniffing.FileType]:
    """The name to store the upload under and its type, judged by content; 400 otherwise."""
    if upload is None:
        raise _invalid("file", _("Choose a file to upload."))
    if upload.size is None or upload.size > settings.ACCORD_MAX_UPLOAD_BYTES:
        raise _invalid("file", too_large_message())
    if upload.size == 0:
        raise _invalid("file", _("The file is empty."))
    name = _clean_filename(filename or getattr(upload, "name", "") or "")
    file_type = sniffing.sniff(upload)
    if file_type is None:
        raise _invalid(
            "file",
            _("This kind of file is not accepted: use PDF, XLSX, DOCX, PPTX, CSV, PNG or JPEG."),
        )
    if not sniffing.extension_fits(name, file_type):
        raise _invalid(
            "file",
            _("The file's content is %(type)s, but its name says otherwise.")
            % {"type": file_type.label},
        )
    name = name or "document"
    if "." not in name:
        name += file_type.extensions[0]
    return name, file_type


def document_add(
    *, user: Any, proposal_id: Any, body: Reader | None = None, **given: Any
) -> Document:
    """Check, store and record one uploaded file, optionally as a new version of another.

    The input (``_document_write``'s keywords) is read once the policy and the proposal's
    state allow an upload (core/inputs.py): the file is not even received before.
    """
    proposal = proposal_permissions.require_view(user, _proposal(proposal_id))
    document_upload_check(user, proposal)
    return _document_write(user=user, proposal=proposal, **inputs.read(body, given))


def _document_write(
    *,
    user: Any,
    proposal: Proposal,
    kind: str,
    title: str,
    upload: Any,
    filename: str | None = None,
    supersedes_id: Any = None,
) -> Document:
    title = _checked_fields(kind=kind, title=title)
    name, file_type = _checked_file(upload, filename)
    old = _superseded(proposal, user, supersedes_id)
    sha256 = _sha256(upload)

    document = Document(
        proposal=proposal,
        kind=kind,
        title=title,
        filename=name,
        size=upload.size,
        sha256=sha256,
        content_type=file_type.content_type,
        uploaded_by=user,
        party=selectors.party_of(user),
        supersedes=old,
    )
    upload.seek(0)
    stored = default_storage.save(document_path(document, name), File(upload, name=name))
    try:
        return _document_record(user=user, document=document, stored=stored)
    except BaseException:
        default_storage.delete(stored)
        raise


@transaction.atomic
def _document_record(*, user: Any, document: Document, stored: str) -> Document:
    """Save the row and log it, checking again under the proposal's lock."""
    proposal = proposal_permissions.require_view(user, _proposal(document.proposal_id, lock=True))
    document_upload_check(user, proposal)
    if document.supersedes_id is not None:
        _superseded(proposal, user, document.supersedes_id)
    document.proposal = proposal
    document.file.name = stored
    document.save()
    decision_log_append(
        actor=user,
        event="document_added",
        proposal=proposal.reference,
        # No title or file name: a draft's content stays out of the staff export (docs/roles.md).
        data={
            "document": document.pk,
            "kind": document.kind,
            "size": document.size,
            "sha256": document.sha256,
            "supersedes": document.supersedes_id,
        },
    )
    return document


# --- The decision package (inside proposal_transition's transaction) -------------------


def _review_entry(review: Review) -> dict[str, Any]:
    return {
        "id": review.pk,
        "author": review.author.get_username(),
        "author_name": review.author.get_full_name() or review.author.get_username(),
        "delegation": review.delegation,
        "scores": {
            "strategic_fit": review.strategic_fit,
            "financial_viability": review.financial_viability,
            "risk": review.risk,
            "execution": review.execution,
        },
        "recommendation": review.recommendation,
        "comments": review.comments,
        "created_at": review.created_at,
        "updated_at": review.updated_at,
    }


def package_contents(*, proposal: Proposal, ballot_id: int) -> dict[str, Any]:
    """What is put to the vote, as plain JSON values.

    The package is one text for both delegations, so it carries the reviews the whole
    committee may read in full, and of delegation-only reviews just how many each delegation
    wrote: their content is never shown to the other delegation.
    """
    documents = (
        Document.objects.filter(proposal=proposal, superseded_by__isnull=True)
        .select_related("uploaded_by")
        .order_by("id")
    )
    reviews = (
        Review.objects.filter(proposal=proposal, visibility=Visibility.COMMITTEE)
        .select_related("author")
        .order_by("id")
    )
    private = dict.fromkeys(DELEGATIONS, 0)
    private.update(
        Review.objects.filter(proposal=proposal, visibility=Visibility.DELEGATION)
        .values("delegation")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("delegation", "n")
    )
    body = {
        "format": PACKAGE_FORMAT,
        "ballot": ballot_id,
        "proposal": {
            "id": proposal.pk,
            "reference": proposal.reference,
            "title": proposal.title,
            "sponsor": proposal.sponsor.name,
            "co_sponsors": sorted(s.name for s in proposal.co_sponsors.all()),
            "sector": proposal.sector,
            "description": proposal.description,
            "amount_requested": proposal.amount_requested,
            "currency": proposal.currency,
            "created_at": proposal.created_at,
            "submitted_at": proposal.submitted_at,
        },
        "documents": [
            {
                "id": d.pk,
                "kind": d.kind,
                "title": d.title,
                "filename": d.filename,
                "size": d.size,
                "sha256": d.sha256,
                "content_type": d.content_type,
                "uploaded_by": d.uploaded_by.get_username(),
                "uploaded_by_name": d.uploaded_by.get_full_name() or d.uploaded_by.get_username(),
                "uploaded_at": d.uploaded_at,
            }
            for d in documents
        ],
        "reviews": [_review_entry(review) for review in reviews],
        "delegation_only_reviews": private,
    }
    return log_rules.jsonable(body)


def package_freeze(*, proposal: Proposal, ballot_id: int) -> DecisionPackage:
    """Freeze the package of the ballot just opened; call inside the transition's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("package_freeze must run inside the ballot's transaction")
    canonical = log_rules.canonical_json(package_contents(proposal=proposal, ballot_id=ballot_id))
    return DecisionPackage.objects.create(
        ballot_id=ballot_id,
        proposal=proposal,
        canonical=canonical,
        sha256=hashlib.sha256(canonical).hexdigest(),
    )


def _package_freeze_step(context: workflow.TransitionContext) -> None:
    """``open_ballot``: freeze what is put to the vote; its hash goes into the log entry."""
    package = package_freeze(proposal=context.proposal, ballot_id=context.data["ballot"])
    context.data["package_sha256"] = package.sha256


def register_transition_steps() -> None:
    """Attach the decision package's freeze to the ballot's opening (after the ballot)."""
    workflow.register_step("open_ballot", app_label="documents", order=20, run=_package_freeze_step)
