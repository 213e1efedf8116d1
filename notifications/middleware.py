"""The user's language as the site's default for them.

At sign-in the user's chosen language becomes the site's language (the language cookie is
set on the response), so it holds on every later page. The language switcher in the top bar
keeps working: it sets the same cookie, and wins until the next sign-in.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation

from .models import Preference

ATTRIBUTE = "_accord_language"


def language_on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """``user_logged_in``: switch to the user's language and ask the middleware to keep it."""
    if request is None:
        return
    language = Preference.objects.filter(user_id=user.pk).values_list("language", flat=True)
    language = language.first()
    if language:
        remember_language(request, language)


def remember_language(request: Any, language: str) -> None:
    """Use ``language`` for this response and set the cookie that keeps it."""
    translation.activate(language)
    request.LANGUAGE_CODE = language
    setattr(request, ATTRIBUTE, language)


class PreferredLanguageMiddleware:
    """Set the language cookie when a sign-in or the account page chose a language."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        response = self.get_response(request)
        language = getattr(request, ATTRIBUTE, None)
        if language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response
