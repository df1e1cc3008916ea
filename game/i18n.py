"""Which language a person reads, and the message catalogue that says it.

Owns the choice of language (an explicit ``--lang``, then the settings screen's, then
``SILICON_CURTAIN_LANG``, then the system locale, English otherwise), the
catalogues (``game/locale/<lang>.po``, read with Babel at run time, so
there is no compile step and nothing to keep in sync); ``agents.lang._``
then gives a message in the chosen language, or the English message itself
when the catalogue has no entry. English is the source
language: the messages in the code are the catalogue keys (gettext's
convention). Choosing a language installs its catalogue in ``agents.lang``,
the lookup the model and the game share. Imports Babel, the standard
library and ``agents.lang`` only.
"""

from __future__ import annotations

import gettext
import io
import os
from functools import lru_cache
from pathlib import Path

from agents import lang

LANGUAGES = ("en", "ja")
"""The languages the game speaks; ``en`` is the source and needs no catalogue."""
DEFAULT = "en"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
ENV = "SILICON_CURTAIN_LANG"

_chosen: str | None = None


def resolve(explicit: str | None = None, environ: dict[str, str] | None = None, saved: str | None = None) -> str:
    """The language to use: ``explicit``, else ``saved`` (the game's settings screen, for ``play``), else
    ``$SILICON_CURTAIN_LANG``, else the system locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``:
    ``ja_JP.UTF-8`` is Japanese), else English.

    An explicit or configured language the game does not speak is an error (the caller says so);
    a system locale it does not speak falls back to English.
    """
    env = os.environ if environ is None else environ
    for wanted in (explicit, saved, env.get(ENV)):
        if wanted:
            code = _code(wanted)
            if code not in LANGUAGES:
                raise ValueError(f"expected one of {', '.join(LANGUAGES)}, got {wanted!r}")
            return code
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if env.get(var):
            code = _code(env[var])
            return code if code in LANGUAGES else DEFAULT
    return DEFAULT


def _code(tag: str) -> str:
    """``ja_JP.UTF-8`` or ``ja-JP`` -> ``ja``."""
    return tag.split(".")[0].replace("-", "_").split("_")[0].lower()


def use(language: str | None = None, saved: str | None = None) -> str:
    """Choose the language for this process (see :func:`resolve`) and install its catalogue; returns it."""
    global _chosen
    _chosen = resolve(language, saved=saved)
    lang.install(catalogue(_chosen), _chosen)
    return _chosen


def current() -> str:
    """The chosen language (resolved from the environment on first use)."""
    return _chosen if _chosen is not None else use()


@lru_cache(maxsize=None)
def catalogue(language: str) -> gettext.NullTranslations:
    """``game/locale/<language>.po`` as gettext translations (English: none needed)."""
    if language == DEFAULT:
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    path = LOCALE_DIR / f"{language}.po"
    with open(path, "rb") as fh:
        po = read_po(fh, locale=language)
    buf = io.BytesIO()
    write_mo(buf, po)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def messages(language: str) -> dict[str, str]:
    """Every translated message of ``language``'s catalogue: English -> translation (for tests and checks)."""
    from babel.messages.pofile import read_po

    with open(LOCALE_DIR / f"{language}.po", "rb") as fh:
        po = read_po(fh, locale=language)
    return {m.id: m.string for m in po if m.id and isinstance(m.id, str)}
