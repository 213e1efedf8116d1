"""Create or update sponsors and users from a provisioning document (docs/roles.md).

Optional user keys that belong to apps above this one (a user's language, say) are
registered by those apps with ``register_user_field`` in their ``AppConfig.ready()``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from accounts.services import AccountError, totp_enrol, totp_secret_check
from core.errors import Invalid
from core.models import Delegation, Role
from projects.models import Sponsor
from projects.services import sponsor_upsert

from .services import membership_assign

DELEGATION_ROLES = [r for r in Role.values if r != Role.SPONSOR]


@dataclass(frozen=True)
class UserField:
    """An optional key of a user in the file: ``check`` raises ``Invalid`` on a bad value
    before anything of that user is written; ``apply(user, value)`` stores it afterwards."""

    check: Callable[[Any], None]
    apply: Callable[[Any, Any], None]


USER_FIELDS: dict[str, UserField] = {}


def register_user_field(
    name: str, *, check: Callable[[Any], None], apply: Callable[[Any, Any], None]
) -> None:
    """Accept ``name`` on a user of a provisioning file, checked and stored as given."""
    USER_FIELDS[name] = UserField(check=check, apply=apply)


@dataclass
class Summary:
    sponsors: int = 0
    users_created: int = 0
    users_updated: int = 0


def _fail(where: str, message: str) -> Invalid:
    return Invalid(f"{where}: {message}")


def _text(item: dict, key: str, where: str, *, required: bool = True) -> str:
    value = item.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise _fail(where, f"'{key}' must be a non-empty string")
    if "\x00" in value:
        raise _fail(where, f"'{key}' must not contain a NUL character")
    return value.strip()


def _fits(model: Any, field: str, value: str, key: str, where: str) -> str:
    """``value`` as the model's ``field`` stores it (length, characters), or ``Invalid``:
    the database would refuse it later, mid-file, with an error that names no item."""
    try:
        model._meta.get_field(field).run_validators(value)
    except ValidationError as error:
        raise _fail(where, f"'{key}': {' '.join(error.messages)}") from None
    return value


def _provision_sponsors(items: list[Any]) -> int:
    for index, item in enumerate(items, 1):
        where = f"sponsors[{index}]"
        if not isinstance(item, dict):
            raise _fail(where, "must be an object")
        name = _fits(Sponsor, "name", _text(item, "name", where), "name", where)
        try:
            sponsor_upsert(name=name, country=_text(item, "country", where))
        except Invalid as error:
            raise _fail(where, error.message) from None
    return len(items)


def _role_of_item(item: dict, where: str) -> tuple[str, str, Sponsor | None]:
    """The (role, delegation, sponsor) a user item asks for, each checked."""
    sponsor_name = _text(item, "sponsor", where, required=False)
    role = _text(item, "role", where, required=False) or ("sponsor" if sponsor_name else "")
    delegation = _text(item, "delegation", where, required=False)
    if role == Role.SPONSOR or sponsor_name:
        if role != Role.SPONSOR:
            raise _fail(where, f"a sponsor's user cannot have the role {role!r}")
        if delegation:
            raise _fail(where, "a sponsor's user belongs to no delegation")
        sponsor = Sponsor.objects.filter(name=sponsor_name).first()
        if sponsor is None:
            raise _fail(where, f"unknown sponsor {sponsor_name!r}")
        return role, delegation, sponsor
    if role not in DELEGATION_ROLES:
        raise _fail(where, f"unknown role {role!r} (use one of {', '.join(Role.values)})")
    if delegation not in Delegation.values:
        raise _fail(where, f"unknown delegation {delegation!r} (use US or JP)")
    return role, delegation, None


def _extras_of_item(item: dict, where: str) -> dict[str, Any]:
    """The optional keys other apps registered (``register_user_field``), each checked."""
    extras = {name: item[name] for name in USER_FIELDS if item.get(name) is not None}
    for name, value in extras.items():
        try:
            USER_FIELDS[name].check(value)
        except Invalid as error:
            raise _fail(where, error.message) from None
    return extras


def _credentials_of_item(item: dict, where: str, user: Any) -> tuple[str, str | None]:
    """The item's (email, password), checked against the user they are for (None: new)."""
    email = item.get("email", "")
    if email:
        try:
            validate_email(email)
        except (ValidationError, TypeError):
            raise _fail(where, f"invalid email {email!r}") from None
        _fits(get_user_model(), "email", email, "email", where)
    password = item.get("password")
    if user is None and not password:
        raise _fail(where, "a new user needs a password")
    if password is not None:
        if not isinstance(password, str):
            raise _fail(where, "'password' must be a string")
        candidate = user or get_user_model()(username=item["username"], email=email or "")
        try:
            validate_password(password, candidate)
        except ValidationError as error:
            raise _fail(where, " ".join(error.messages)) from None
    return email or "", password


def _provision_user(item: Any, index: int, seen: set[str], summary: Summary) -> None:
    where = f"users[{index}]"
    if not isinstance(item, dict):
        raise _fail(where, "must be an object")
    User = get_user_model()
    username = _fits(User, User.USERNAME_FIELD, _text(item, "username", where), "username", where)
    where = f"user {username!r}"
    if username in seen:
        raise _fail(where, "appears twice")
    seen.add(username)
    role, delegation, sponsor = _role_of_item(item, where)
    extras = _extras_of_item(item, where)
    user = User.objects.filter(username=username).first()
    email, password = _credentials_of_item(item, where, user)
    if user is None:
        user = User.objects.create_user(username=username, email=email, password=password)
        summary.users_created += 1
    else:
        if email:
            user.email = email
        if password:
            user.set_password(password)
        user.save()
        summary.users_updated += 1
    membership_assign(user=user, role=role, delegation=delegation, sponsor=sponsor)
    for name, value in extras.items():
        USER_FIELDS[name].apply(user, value)


@transaction.atomic
def provision(document: Any) -> Summary:
    """Apply the document whole, or raise ``Invalid`` naming the first problem; all or nothing."""
    if not isinstance(document, dict):
        raise Invalid("the file must hold a JSON object with 'sponsors' and 'users'")
    unknown = set(document) - {"sponsors", "users"}
    if unknown:
        raise Invalid(f"unknown top-level key(s): {', '.join(sorted(unknown))}")
    sponsors = document.get("sponsors", [])
    users = document.get("users", [])
    if not isinstance(sponsors, list) or not isinstance(users, list):
        raise Invalid("'sponsors' and 'users' must be lists")
    summary = Summary()
    summary.sponsors = _provision_sponsors(sponsors)
    seen: set[str] = set()
    for index, item in enumerate(users, 1):
        _provision_user(item, index, seen, summary)
    return summary


def _totp_secret_check(value: Any) -> None:
    try:
        totp_secret_check(value)
    except AccountError as error:
        raise Invalid(str(error)) from None


def _totp_secret_apply(user: Any, value: Any) -> None:
    totp_enrol(user=user, secret=value)


# The seed of an authenticator or hardware token the organisation handed out (base32): enrolled
# as the user's TOTP factor, with recovery codes (accounts sits below committee).
register_user_field("totp_secret", check=_totp_secret_check, apply=_totp_secret_apply)
