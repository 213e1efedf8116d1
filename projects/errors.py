"""Domain errors raised by policies and services; the API and the pages map them to answers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


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
