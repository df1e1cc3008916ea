"""The words people read, in the language they chose: the lookup the model and the game share.

The model writes news and explains levers, so it must say things in the
player's language without importing the game: this module holds the one
installed translation (English, the source language, until
``game.i18n.use`` installs a catalogue) and the marker functions the
message extractor looks for. English is the catalogue key (gettext's
convention): ``_("Tier 2 cap reached")`` is the English text and its own
lookup. Numbers and dates are said by ``agents.words``, which asks
:func:`language` how. Imports the standard library only.
"""

from __future__ import annotations

import gettext

_translations: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def install(translations: gettext.NullTranslations, language: str) -> None:
    """Make ``translations`` the one every later lookup uses (``game.i18n.use`` calls this)."""
    global _translations, _language
    _translations, _language = translations, language


def language() -> str:
    """The installed language's code ('en', 'ja')."""
    return _language


def _(message: str) -> str:
    """``message`` in the installed language (itself when untranslated or empty)."""
    return _translations.gettext(message) if message else message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural of a counted message, by the installed language's plural rule."""
    return _translations.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without looking it up (tables read before a language is chosen)."""
    return message
