"""Forms of the sign-in pages, the password reset mail and the API token form."""

from __future__ import annotations

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.mfa.base.forms import AuthenticateForm as MFAAuthenticateForm
from django import forms
from django.contrib.auth.forms import PasswordResetForm as DjangoPasswordResetForm
from django.template import loader
from django.utils.translation import gettext_lazy as _

from .mail import send_after_commit


class LoginForm(AllauthLoginForm):
    """allauth's login form, posted as ``username`` and ``password`` as Accord's always was.

    Scripts and tests post those two names to /accounts/login/; allauth calls the first
    field ``login``. Only the name in the HTML (and in the POST) changes.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields.pop("remember", None)  # sessions end when the browser closes
        self.fields["login"].widget.attrs.pop("placeholder", None)
        self.fields["login"].widget.attrs["autofocus"] = True
        self.fields["password"].widget.attrs.pop("placeholder", None)
        self.fields["password"].help_text = ""

    def add_prefix(self, field_name: str) -> str:
        return "username" if field_name == "login" else super().add_prefix(field_name)


class PasswordResetForm(DjangoPasswordResetForm):
    """Django's reset form; the mail is rendered here and sent by a task after commit.

    Django already answers the same whether or not the address is on record (it mails only
    the active users it finds, and the page that follows says the same to everyone).
    """

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        from django.core.mail import EmailMultiAlternatives

        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        message = EmailMultiAlternatives(subject, body, from_email, [to_email])
        send_after_commit(message)


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What the token is for, e.g. the script that uses it."),
    )


class AuthenticateForm(MFAAuthenticateForm):
    """The second step of sign-in: the code field has the focus on arrival, as the first
    step's username does, so the keyboard goes straight on."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs["autofocus"] = True
