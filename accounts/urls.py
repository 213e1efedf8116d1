"""Sign-in (django-allauth at /accounts/login/, the code on the next page), second factors,
re-authentication, password reset (Django's views), and My account's security.

A signed-in user changes their password on My account (``/account/password/``, the only
page that does); config/urls.py sends the usual addresses of that page there."""

from allauth.account import views as allauth_views
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

# Accord's names ("login", "logout") and allauth's ("account_login", …) for the same pages:
# the first route of a path answers; either name reverses to it.
urlpatterns = [
    path("accounts/login/", allauth_views.login, name="login"),
    path("accounts/login/", allauth_views.login, name="account_login"),
    path("accounts/logout/", allauth_views.logout, name="logout"),
    path("accounts/logout/", allauth_views.logout, name="account_logout"),
    path("accounts/reauthenticate/", allauth_views.reauthenticate, name="account_reauthenticate"),
    path("accounts/2fa/", include("allauth.mfa.urls")),
    path("accounts/password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/",
        views.PasswordResetView.as_view(),
        name="account_reset_password",
    ),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("account/tokens/", views.token_create, name="token-create"),
    path("account/tokens/revoke/", views.token_revoke, name="token-revoke"),
    path("account/sessions/end/", views.session_end, name="session-end"),
    path("account/sessions/end-others/", views.sessions_end_others, name="sessions-end-others"),
]
