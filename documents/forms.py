"""The upload form of the documents panel: it parses input for ``documents.services``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Kind


class DocumentForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, XLSX, DOCX, PPTX, CSV, PNG or JPEG."),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".pdf,.xlsx,.docx,.pptx,.csv,.png,.jpg,.jpeg",
                "data-dropzone": "",
            }
        ),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "—"), *Kind.choices])
    title = forms.CharField(label=_("Title"), max_length=300)
    supersedes = forms.TypedChoiceField(
        label=_("Replaces"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("A new version keeps the old one, marked superseded."),
    )

    def __init__(self, *args: Any, current: list[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supersedes"].choices = [("", _("Nothing: a new document"))] + [
            (document.pk, f"{document.title} ({document.filename})") for document in current
        ]
        if not current:
            self.fields["supersedes"].widget = forms.HiddenInput()
