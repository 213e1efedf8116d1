"""Domain errors raised by policies and services; the API and the pages map them to answers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.utils.translation import gettext as _


class DomainError(Exception):
    status_code = 400

    def __init__(self, message: str = "", *, detail: Mapping[str, Sequence[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.detail = dict(detail or {})


class Invalid(DomainError):
    """Bad input: 400 with a message per field."""

    status_code = 400


class NotAllowed(DomainError):
    """The user may see the object but not do this: 403."""

    status_code = 403


class NotVisible(DomainError):
    """The object does not exist for this user: 404, revealing nothing."""

    status_code = 404


class InvalidState(DomainError):
    """The object's state does not allow the action: 409."""

    status_code = 409


def object_pk(value: object) -> int:
    """``value`` (a path or body id) as a primary key, or ``NotVisible``: an id that is not a
    whole number, or outside a database id's range, names nothing (404, never a 500)."""
    try:
        pk = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError, OverflowError):
        raise NotVisible(_("Not found.")) from None
    if not 0 < pk < 2**63:
        raise NotVisible(_("Not found."))
    return pk
