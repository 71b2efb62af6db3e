"""Every Welsh catalogue in the repository is complete and compiled, and holds every message its code
marks: a string marked without its Welsh, a fuzzy guess, or a .mo left behind its .po would show a
Welsh reader English (or the wrong Welsh) on some page or e-mail, which the Welsh Language Standards
do not allow. Each app keeps its own catalogue (`<app>/locale/`), api/ and backend/ the root one."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
SKIPPED_DIRS = {".venv", "node_modules", "var", ".git"}
# The root catalogue (LOCALE_PATHS) is api/'s and backend/'s; any other `<dir>/locale/` is <dir>'s own.
ROOT_SOURCES = ("api", "backend")


def catalogues() -> list[Path]:
    found = []
    for path in ROOT.glob("**/locale/cy/LC_MESSAGES/*.po"):
        if not SKIPPED_DIRS & set(path.relative_to(ROOT).parts):
            found.append(path)
    return sorted(found)


CATALOGUES = catalogues()


def name(path: Path) -> str:
    return str(path.relative_to(ROOT))


def translations(entries) -> dict:
    """Each message's translation, keyed as gettext looks it up."""
    made = {}
    for entry in entries:
        if entry.obsolete or not entry.msgid:
            continue
        key = (entry.msgctxt, entry.msgid, entry.msgid_plural or None)
        made[key] = tuple(sorted(entry.msgstr_plural.items())) if entry.msgid_plural else entry.msgstr
    return made


def test_the_repository_has_its_catalogues():
    assert {"locale/cy/LC_MESSAGES/django.po", "visits/locale/cy/LC_MESSAGES/django.po"} <= set(map(name, CATALOGUES))


@pytest.mark.parametrize("po_path", CATALOGUES, ids=name)
def test_a_catalogue_is_wholly_translated_and_compiled(po_path):
    po = polib.pofile(str(po_path))
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    assert not untranslated, f"{name(po_path)}: no Welsh for {untranslated}"
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert not fuzzy and not po.metadata_is_fuzzy, f"{name(po_path)}: fuzzy (a guess, unused by gettext): {fuzzy}"
    assert po.metadata.get("Plural-Forms", "").startswith("nplurals=4;"), "Welsh has four plural forms"

    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{name(po_path)} is not compiled: run compilemessages and commit the .mo"
    assert translations(polib.mofile(str(mo_path))) == translations(po), (
        f"{name(mo_path)} differs from its .po: run compilemessages and commit the .mo")


def gettext_tools() -> str | None:
    """What is missing to run makemessages, or None."""
    missing = [tool for tool in ("xgettext", "msgmerge", "msguniq") if shutil.which(tool) is None]
    return f"GNU gettext is not installed (no {', '.join(missing)})" if missing else None


def sources_of(po_path: Path) -> tuple[Path, list[str]]:
    """The directory whose locale/ holds the catalogue, and what in it makemessages reads."""
    base = po_path.parents[3]
    return base, list(ROOT_SOURCES) if base == ROOT else ["."]


@pytest.mark.parametrize("po_path", CATALOGUES, ids=name)
def test_every_marked_message_is_in_its_catalogue(po_path, tmp_path):
    if (reason := gettext_tools()) is not None:
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but {reason}: .ci/run installs it")
        pytest.skip(reason)
    base, sources = sources_of(po_path)
    copy = tmp_path / "copy"
    for source in sources:
        shutil.copytree(base / source, copy / source, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "locale"))
    shutil.copytree(base / "locale", copy / "locale", ignore=shutil.ignore_patterns("*.mo"))
    # Without settings makemessages writes only into the copy's locale/ (never LOCALE_PATHS); -P keeps
    # the copy's modules (visits/selectors.py) from shadowing the standard library's.
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "-P", "-m", "django", "makemessages", "-l", "cy", "-d", po_path.stem, "--no-obsolete",
         "--add-location=file", *[f"--ignore={d}" for d in sorted(SKIPPED_DIRS)]],
        cwd=copy, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr

    made = polib.pofile(str(copy / po_path.relative_to(base)))
    committed = {entry.msgid for entry in polib.pofile(str(po_path)) if not entry.obsolete}
    missing = sorted(entry.msgid for entry in made if not entry.obsolete and entry.msgid not in committed)
    assert not missing, (f"{name(po_path)} lacks messages its code marks: {missing}; run makemessages, "
                         "give each its Welsh (docs/welsh-glossary.md), compilemessages and commit both files")
