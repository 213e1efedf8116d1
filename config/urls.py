from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core.web import MovedTo

# The admin signs in through Accord's own login (with its second factor), never its own form.
admin.site.login = secure_admin_login(admin.site.login)

# One page changes a signed-in user's password: My account's, which logs the change, mails it
# and ends the user's other sessions. The admin's and Django's/allauth's usual addresses for
# that page (and for the page after it) lead there; they come before the admin's own routes.
PASSWORD_CHANGE_MOVED = [
    path("admin/password_change/", MovedTo.as_view(pattern_name="password-change")),
    path("admin/password_change/done/", MovedTo.as_view(pattern_name="account")),
    path(
        "accounts/password/change/",
        MovedTo.as_view(pattern_name="password-change"),
        name="password_change",
    ),
    path("accounts/password/change/done/", MovedTo.as_view(pattern_name="account")),
]

urlpatterns = [
    *PASSWORD_CHANGE_MOVED,
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("config.web_urls")),
]

# Under /api/ a URL no route matches answers the API's JSON error body (documented 404).
handler404 = "core.api.base.not_found"
