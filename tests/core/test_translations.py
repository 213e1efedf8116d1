"""Every string the code marks for translation reads in Japanese: a string added in English only
fails here rather than showing English on a Japanese page."""

from __future__ import annotations

import ast
import gettext as gettext_module
import re
from pathlib import Path

from django.conf import settings
from django.utils import translation

ROOT = Path(settings.BASE_DIR)
APPS = ("accounts", "committee", "config", "core", "documents", "financing", "notifications")
APPS += ("projects",)
GETTEXT = {"_", "gettext", "gettext_lazy", "_lazy", "ngettext", "ngettext_lazy"}
PGETTEXT = {"pgettext", "pgettext_lazy"}
# Names and formats that read the same in Japanese.
SAME_IN_JAPANESE = {"Accord", "SHA-256", "CSV", "Excel", "JSON Lines"}
TAG = re.compile(r'{%\s*(?:trans|translate)\s+"([^"]+)"(?:\s+context\s+"([^"]+)")?')


def _python_strings() -> set[tuple[str, str | None, str]]:
    found = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                    continue
                texts = [a.value for a in node.args if isinstance(a, ast.Constant)]
                if not texts or not all(isinstance(t, str) for t in texts):
                    continue
                if node.func.id in GETTEXT:
                    found.add((str(path.relative_to(ROOT)), None, texts[0]))
                elif node.func.id in PGETTEXT and len(texts) >= 2:
                    found.add((str(path.relative_to(ROOT)), texts[0], texts[1]))
    return found


def _template_strings() -> set[tuple[str, str | None, str]]:
    folders = [ROOT / "templates", *(ROOT / app / "templates" for app in APPS)]
    found = set()
    for folder in folders:
        for path in folder.rglob("*"):
            if path.suffix not in {".html", ".txt"}:
                continue
            for match in TAG.finditer(path.read_text(encoding="utf-8")):
                # A template's msgid doubles its percent signs, as makemessages writes it.
                text = match.group(1).replace("%", "%%")
                found.add((str(path.relative_to(ROOT)), match.group(2), text))
    return found


def _japanese(context: str | None, text: str) -> str:
    if context is None:
        return translation.gettext(text)
    return translation.pgettext(context, text)


def test_the_walk_finds_the_strings_of_code_and_templates():
    python, templates = _python_strings(), _template_strings()
    assert len(python) > 300 and len(templates) > 300
    assert any(text == "Your role signs in with a second factor. Set one up to continue."
               for _, _, text in python)  # fmt: skip
    assert any(context == "date" and text == "Decided" for _, context, text in templates)


def test_every_marked_string_reads_in_japanese():
    with translation.override("ja"):
        missing = sorted(
            f"{where}: {text!r}" + (f" (context {context!r})" if context else "")
            for where, context, text in _python_strings() | _template_strings()
            if text not in SAME_IN_JAPANESE and _japanese(context, text) == text
        )
    assert not missing, "strings with no Japanese translation:\n" + "\n".join(missing)


def _catalogues() -> dict[str, dict]:
    """Each Japanese catalogue's messages, as the compiled files Django loads hold them."""
    found = {}
    for path in sorted(ROOT.glob("**/locale/ja/LC_MESSAGES/django.mo")):
        if ".venv" in path.parts:
            continue
        with path.open("rb") as file:
            found[str(path.relative_to(ROOT))] = gettext_module.GNUTranslations(file)._catalog
    return found


def test_a_message_in_two_catalogues_reads_the_same_in_both():
    """Django lets the project's catalogue win over an app's: two translations of one message
    would leave a page's words to the order of the catalogues, not to the translator."""
    catalogues = _catalogues()
    assert len(catalogues) >= 5
    seen: dict[object, tuple[str, str]] = {}
    differ = []
    for where, catalogue in catalogues.items():
        for key, text in catalogue.items():
            if key == "" or not text:
                continue
            if key in seen and seen[key][1] != text:
                differ.append(f"{key!r}: {seen[key][0]} {seen[key][1]!r}, {where} {text!r}")
            seen.setdefault(key, (where, text))
    assert not differ, "messages translated two ways:\n" + "\n".join(differ)


def test_a_correction_turned_down_is_not_called_a_vote_down():
    with translation.override("ja"):
        assert translation.pgettext("approval", "Reject") != translation.gettext("Reject")
        assert translation.pgettext("approval", "Rejected") != translation.gettext("Rejected")


def test_one_term_reads_one_way_wherever_it_means_the_same():
    """A label and the model field or sibling label it names read alike: an instrument is not
    also a 案件 (the word for a proposal), nor a value date a 資金移動日 in one place only."""
    with translation.override("ja"):
        gettext = translation.gettext
        assert gettext("Instrument") == gettext("instrument") == gettext("Instruments")
        assert gettext("Value date") == gettext("value date")
        assert gettext("Source") == gettext("source")
        assert gettext("Eligible") == gettext("Eligible voters")
        assert gettext("Instrument") in gettext("Instruments (JBIC and NEXI)")
