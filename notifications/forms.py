from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

# The notification language's "no choice of its own": the mail follows the site's language.
SAME_AS_SITE = ""


class PreferenceForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language of the site"),
        choices=settings.LANGUAGES,
        widget=forms.RadioSelect,
        help_text=_("Accord shows the site in this language when you sign in."),
    )
    notification_language = forms.ChoiceField(
        label=_("Language of your notifications"),
        choices=[(SAME_AS_SITE, _("The same as the site")), *settings.LANGUAGES],
        required=False,
        widget=forms.RadioSelect,
        help_text=_("Accord writes the email it sends you in this language."),
    )
