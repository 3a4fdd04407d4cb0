"""The web app speaks Chinese everywhere: every message of the zh-hans catalogs is translated, none is
fuzzy, placeholders match, and the compiled .mo says what the .po says."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pytest

import qualify.web

WEB = Path(qualify.web.__file__).parent
CATALOGS = sorted(WEB.rglob("locale/zh_Hans/LC_MESSAGES/django.po"))
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|\{(\w+)\}")


def _unquote(lines: list[str]) -> str:
    return "".join(ast.literal_eval(line) for line in lines)


def parse_po(path: Path) -> list[dict[str, object]]:
    """The entries of a .po file: msgid, msgid_plural, msgstrs, flags (the header is left out)."""
    entries: list[dict[str, object]] = []
    current: dict[str, object] = {}
    key = ""
    chunks: dict[str, list[str]] = {}

    def finish() -> None:
        nonlocal current, chunks
        if chunks:
            entry = {k: _unquote(v) for k, v in chunks.items()}
            entry["flags"] = current.get("flags", set())
            if entry.get("msgid"):
                entries.append(entry)
        current, chunks = {}, {}

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
        elif line.startswith("#,"):
            if chunks:
                finish()
            current["flags"] = {f.strip() for f in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            chunks[key].append(line)
        else:
            key, _, rest = line.partition(" ")
            if key in {"msgctxt", "msgid"} and "msgid" in chunks:
                finish()
            chunks[key] = [rest]
    finish()
    return entries


def test_there_is_a_zh_hans_catalog_for_the_web_app() -> None:
    assert WEB / "locale/zh_Hans/LC_MESSAGES/django.po" in CATALOGS


@pytest.mark.parametrize("catalog", CATALOGS, ids=lambda p: str(p.relative_to(WEB)))
def test_every_message_is_translated_and_none_is_fuzzy(catalog: Path) -> None:
    entries = parse_po(catalog)
    assert len(entries) > 10
    untranslated = [e["msgid"] for e in entries if not (e.get("msgstr") or e.get("msgstr[0]"))]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]  # type: ignore[operator]
    assert untranslated == [], f"untranslated in {catalog.name}: {untranslated[:20]}"
    assert fuzzy == [], f"fuzzy in {catalog.name}: {fuzzy[:20]}"


@pytest.mark.parametrize("catalog", CATALOGS, ids=lambda p: str(p.relative_to(WEB)))
def test_translations_keep_every_placeholder(catalog: Path) -> None:
    wrong = []
    for entry in parse_po(catalog):
        source = set(PLACEHOLDER.findall(str(entry["msgid"]) + str(entry.get("msgid_plural", ""))))
        for key in ("msgstr", "msgstr[0]"):
            if entry.get(key) and set(PLACEHOLDER.findall(str(entry[key]))) != source:
                wrong.append(entry["msgid"])
    assert wrong == []


@pytest.mark.parametrize("catalog", CATALOGS, ids=lambda p: str(p.relative_to(WEB)))
def test_the_compiled_catalog_matches_the_source(catalog: Path) -> None:
    compiled = catalog.with_suffix(".mo")
    assert compiled.exists(), f"run compilemessages: {compiled} is missing"
    with compiled.open("rb") as handle:
        translations = gettext.GNUTranslations(handle)
    stale = []
    for entry in parse_po(catalog):
        msgid = str(entry["msgid"])
        context = str(entry.get("msgctxt", ""))
        if "msgid_plural" in entry:
            plural = str(entry["msgid_plural"])
            got = (translations.npgettext(context, msgid, plural, 1) if context
                   else translations.ngettext(msgid, plural, 1))
            want = entry.get("msgstr[0]")
        else:
            got = translations.pgettext(context, msgid) if context else translations.gettext(msgid)
            want = entry.get("msgstr")
        if got != want:
            stale.append(msgid)
    assert stale == [], f"{compiled} is older than its .po; run compilemessages: {stale[:10]}"


def _ids(catalog: Path) -> set[tuple[str, str]]:
    return {(str(e.get("msgctxt", "")), str(e["msgid"])) for e in parse_po(catalog)}


def test_makemessages_finds_no_message_that_the_catalog_lacks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: object
) -> None:
    """Every text of the pages and messages is in the ONE catalog (``qualify/web/locale``): running
    ``makemessages`` over a copy of the web app adds nothing."""
    import shutil

    from django.core.management import call_command

    copy = tmp_path / "web"
    shutil.copytree(WEB, copy, ignore=shutil.ignore_patterns("__pycache__", "static", "*.mo"))
    catalog = copy / "locale/zh_Hans/LC_MESSAGES/django.po"
    before = _ids(catalog)
    monkeypatch.chdir(copy)
    settings.LOCALE_PATHS = [copy / "locale"]  # type: ignore[attr-defined]
    call_command("makemessages", locale=["zh_Hans"], verbosity=0)
    assert sorted(copy.rglob("locale/*/LC_MESSAGES/django.po")) == [catalog]  # no second catalog
    new = sorted(_ids(catalog) - before)
    assert new == [], f"not in the catalog: {new[:20]}"


def test_the_certification_apply_reads_shen_qing_and_the_filter_apply_ying_yong() -> None:
    translations = gettext.GNUTranslations((WEB / "locale/zh_Hans/LC_MESSAGES/django.mo").open("rb"))
    assert translations.pgettext("certification", "Apply") == "申请"
    assert translations.gettext("Apply") == "应用"


def test_the_catalog_addresses_the_reader_as_nin_never_ni() -> None:
    familiar = [
        str(e["msgid"])
        for e in parse_po(WEB / "locale/zh_Hans/LC_MESSAGES/django.po")
        if "你" in str(e.get("msgstr", "")) + str(e.get("msgstr[0]", ""))
    ]
    assert familiar == []
