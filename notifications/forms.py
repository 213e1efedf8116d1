from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class PreferenceForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language of the site and of your email"),
        choices=settings.LANGUAGES,
        widget=forms.RadioSelect,
    )
