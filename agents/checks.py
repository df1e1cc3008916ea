"""One validation layer for every file the program reads: scenarios, sweeps, lessons, saves, commands.

Every problem reads the same way, wherever it was found::

    FILE:KEY: expected WHAT, got VALUE
    FILE:KEY: missing (expected WHAT)
    FILE:KEY: unknown key (did you mean 'X'?)

KEY is a dotted path (``countries.JPN.tier``, ``teams[0].name``); VALUE is the value's ``repr``,
cut to about 60 characters. A :class:`Problems` collector gathers every problem of a file (not
just the first), and the typed specs (:class:`Number`, :class:`Integer`, :class:`Text`,
:class:`OneOf`, :class:`Bool`, :class:`ListOf`, :class:`Table`, :class:`Nullable`) say what a
key must hold and in which words.

The words are in the language installed in ``agents.lang`` (the file, the key and the value stay
as they are). A spec's ``what`` may be English (a field such as ``Text(what=N_("a lesson name"))``)
or already translated (the computed ones): whoever shows it passes it through ``_()``, as
:func:`expected` and :func:`missing` do, and a translated text looks itself up unchanged. Imports
the standard library and ``agents.lang`` only.
"""

from __future__ import annotations

import difflib
import math
import numbers
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from agents.lang import N_, _

REQUIRED: Any = object()
"""``default`` for a key that must be there."""

SHOW_LIMIT = 60

NOUNS = (N_("key"), N_("lever"), N_("policy"), N_("country"))
"""What :func:`unknown` may call a name nobody reads (its ``noun``), marked for the catalogue."""

UNITS = (N_("months"), N_("years"), N_("x"), N_("x per year"), N_("operations"), N_("USD/year"),
         N_("H100e/month"), N_("H100e/year"), N_("H100e/consignee/year"))
"""Units in the lever and scenario tables whose words are translated after a range ("… 1 and 600 months");
symbols (H100e, TPP, USD, W) read the same in every language."""


def show(value: Any, limit: int = SHOW_LIMIT) -> str:
    """A value as a message quotes it: its repr, cut to ``limit`` characters."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def power_of_ten(v: float, digits: int = 6) -> str:
    """A huge number as people and files write it: 1e26, not 1e+26 or 100,000,000,000,000T."""
    mantissa, exponent = f"{v:.{digits}e}".split("e")
    return f"{float(mantissa):g}e{int(exponent)}"


def bound(v: float) -> str:
    """A range's end as it can be typed in a file: 1,000,000 rather than 1e+06; powers of ten when huge."""
    if abs(v) >= 1e15:
        return power_of_ten(v)
    return f"{v:,.0f}" if v == int(v) else f"{v:g}"


def expected(what: str, got: Any) -> str:
    """The text of a wrong value: ``expected WHAT, got VALUE``."""
    return _("expected {what}, got {value}").format(what=_(what), value=show(got))


def missing(what: str) -> str:
    """The text of a required key that is not there: ``missing (expected WHAT)``."""
    return _("missing (expected {what})").format(what=_(what))


def unknown(name: Any, known: Iterable[str], noun: str = "key") -> str:
    """The text of a key nobody reads: a suggestion when one is close, else the keys there are."""
    known = sorted(str(k) for k in known)
    close = difflib.get_close_matches(str(name), known, n=1, cutoff=0.6)
    if close:
        return _("unknown {noun} (did you mean {name}?)").format(noun=_(noun), name=repr(close[0]))
    return _("unknown {noun} (expected one of: {names})").format(noun=_(noun), names=", ".join(known))


def join(at: str, key: str | int) -> str:
    """A dotted key path: ``join("teams", 0)`` is ``teams[0]``, ``join("lesson", "rounds")`` ``lesson.rounds``."""
    if isinstance(key, int):
        return f"{at}[{key}]"
    return f"{at}.{key}" if at else key


def is_number(v: Any) -> bool:
    """A real, finite number; true/false are not numbers (TOML and JSON keep them apart)."""
    return isinstance(v, numbers.Real) and not isinstance(v, bool) and math.isfinite(v)


def is_whole(v: Any) -> bool:
    return isinstance(v, numbers.Integral) and not isinstance(v, bool)


# --------------------------------------------------------------------------
# specs: what a key must hold, and the words for it


class Spec:
    """What a value must be. ``what`` is the phrase after "expected"; ``check`` says whether a value
    is one, and the value to keep (converted: ints to float for a :class:`Number`)."""

    what: str = N_("a value")

    def check(self, value: Any) -> tuple[bool, Any]:  # pragma: no cover - every spec overrides it
        raise NotImplementedError


def _ranged(whole: bool, lo: float | None, hi: float | None, unit: str) -> str:
    """'a number between 0 and 1', 'a whole number >= 1 months': what a :class:`Number` or :class:`Integer`
    takes, in the installed language (whole phrases: Japanese puts the range first)."""
    if lo is not None and hi is not None:
        text = _("a whole number between {lo} and {hi}") if whole else _("a number between {lo} and {hi}")
    elif lo is not None:
        text = _("a whole number >= {lo}") if whole else _("a number >= {lo}")
    elif hi is not None:
        text = _("a whole number <= {hi}") if whole else _("a number <= {hi}")
    else:
        text = _("a whole number") if whole else _("a number")
    text = text.format(lo=bound(lo) if lo is not None else "", hi=bound(hi) if hi is not None else "")
    if unit and unit not in ("share", "0-1"):  # "0 and 1 share" reads oddly
        text = _("{what} {unit}").format(what=text, unit=_(unit))
    return text


@dataclass(frozen=True)
class Number(Spec):
    """A finite number (int or float, never true/false), optionally in [lo, hi], in ``unit``."""

    lo: float | None = None
    hi: float | None = None
    unit: str = ""

    @property
    def what(self) -> str:
        return _ranged(False, self.lo, self.hi, self.unit)

    def check(self, value: Any) -> tuple[bool, Any]:
        if not is_number(value):
            return False, value
        ok = (self.lo is None or value >= self.lo) and (self.hi is None or value <= self.hi)
        return ok, float(value)


@dataclass(frozen=True)
class Integer(Spec):
    """A whole number, optionally in [lo, hi], in ``unit``; ``whole_floats`` also takes 12.0 as 12."""

    lo: int | None = None
    hi: int | None = None
    unit: str = ""
    whole_floats: bool = False

    @property
    def what(self) -> str:
        return _ranged(True, self.lo, self.hi, self.unit)

    def check(self, value: Any) -> tuple[bool, Any]:
        if self.whole_floats and is_number(value) and not is_whole(value) and float(value).is_integer():
            value = int(value)
        if not is_whole(value):
            return False, value
        return (self.lo is None or value >= self.lo) and (self.hi is None or value <= self.hi), int(value)


@dataclass(frozen=True)
class Text(Spec):
    """A string; ``what`` can name what the string is (``a scenario name``)."""

    what: str = N_("a string")
    nonempty: bool = False

    def check(self, value: Any) -> tuple[bool, Any]:
        return isinstance(value, str) and (bool(value) or not self.nonempty), value


@dataclass(frozen=True)
class Bool(Spec):
    what: str = N_("true or false")

    def check(self, value: Any) -> tuple[bool, Any]:
        return type(value).__name__ in ("bool", "bool_"), value  # numpy's booleans too


@dataclass(frozen=True)
class OneOf(Spec):
    """One of a few values: ``expected one of 'a', 'b', got 'c'``."""

    choices: tuple = ()

    @property
    def what(self) -> str:
        return _("one of {choices}").format(choices=", ".join(repr(c) for c in self.choices))

    def check(self, value: Any) -> tuple[bool, Any]:
        try:
            return value in self.choices and not isinstance(value, bool), value
        except TypeError:  # an unhashable value among hashable choices
            return False, value


@dataclass(frozen=True)
class ListOf(Spec):
    """A list whose every item is ``item``; kept as a list (or a tuple with ``as_tuple``)."""

    item: Spec = Text()
    what_: str = ""
    nonempty: bool = False
    as_tuple: bool = False

    @property
    def what(self) -> str:
        if self.what_:
            return _(self.what_)
        plural = _LIST_OF.get(self.item.what)
        if plural is None:  # English makes the plural; a language without plurals keeps the item's words
            plural = _(self.item.what).removeprefix("a ").removeprefix("an ")
            plural = plural.replace("number", "numbers", 1)  # "whole number" too
        text = _("a non-empty list of {items}") if self.nonempty else _("a list of {items}")
        return text.format(items=_(plural))

    def check(self, value: Any) -> tuple[bool, Any]:
        if not isinstance(value, (list, tuple)) or (self.nonempty and not value):
            return False, value
        out = []
        for v in value:
            ok, v = self.item.check(v)
            if not ok:
                return False, value
            out.append(v)
        return True, tuple(out) if self.as_tuple else out


_LIST_OF = {"a string": N_("strings"), "true or false": N_("true/false values")}
"""The plural of an item's words where English does not just add an s."""


@dataclass(frozen=True)
class Table(Spec):
    """A table (TOML) or object (JSON) with string keys."""

    what: str = N_("a table")

    def check(self, value: Any) -> tuple[bool, Any]:
        return isinstance(value, dict) and all(isinstance(k, str) for k in value), value


@dataclass(frozen=True)
class Nullable(Spec):
    """``inner`` or null (JSON) / absent."""

    inner: Spec = Text()

    @property
    def what(self) -> str:
        return _("{what} or null").format(what=_(self.inner.what))

    def check(self, value: Any) -> tuple[bool, Any]:
        return (True, None) if value is None else self.inner.check(value)


@dataclass(frozen=True)
class Where(Spec):
    """Any rule that fits no other spec: a predicate and the words for it."""

    what: str = N_("a value")
    test: Callable[[Any], bool] = bool

    def check(self, value: Any) -> tuple[bool, Any]:
        try:
            return bool(self.test(value)), value
        except (TypeError, ValueError):
            return False, value


# --------------------------------------------------------------------------
# collecting problems


@dataclass(frozen=True)
class Problem:
    """One problem: where (file and key) and what (the text after the colon)."""

    file: str
    key: str
    text: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.key}" if self.file and self.key else (self.file or self.key)
        return f"{where}: {self.text}" if where else self.text


class Invalid(ValueError):
    """Problems found by code that does not know the file (a command, a lever): the caller places them.

    ``problems`` holds (key, text) pairs; ``str()`` reads ``key: text`` one per line.
    """

    def __init__(self, problems: Sequence[tuple[str, str]]):
        self.problems = list(problems)
        super().__init__("\n".join(f"{k}: {t}" if k else t for k, t in self.problems))


class Problems:
    """Every problem of one file, each ``FILE:KEY: …``; ``prefix`` is put before every key."""

    def __init__(self, file: str | Any = "", prefix: str = ""):
        self.file, self.prefix = str(file), prefix
        self.items: list[Problem] = []

    # -- recording

    def _key(self, key: str | int) -> str:
        if self.prefix:
            return join(self.prefix, key) if key != "" else self.prefix
        return key if isinstance(key, str) else f"[{key}]"

    def add(self, key: str | int, text: str) -> None:
        """A problem in free words (still ``FILE:KEY: text``); prefer the typed methods."""
        self.items.append(Problem(self.file, self._key(key), text))

    def expected(self, key: str | int, what: str, got: Any) -> None:
        self.add(key, expected(what, got))

    def missing(self, key: str | int, what: str) -> None:
        self.add(key, missing(what))

    def unknown(self, key: str | int, name: Any, known: Iterable[str], noun: str = "key") -> None:
        self.add(key, unknown(name, known, noun))

    def take(self, invalid: Invalid, at: str = "") -> None:
        """Problems found elsewhere (:class:`Invalid`), placed under key ``at``."""
        for key, text in invalid.problems:
            self.add(join(at, key) if at and key else (at or key), text)

    # -- checking

    def check(self, key: str | int, value: Any, spec: Spec, default: Any = None) -> Any:
        """``value`` (converted) if it is a ``spec``; else record ``expected …, got …`` and return ``default``."""
        ok, value = spec.check(value)
        if not ok:
            self.expected(key, spec.what, value)
            return default
        return value

    def get(self, table: Mapping[str, Any], at: str, key: str, spec: Spec, default: Any = REQUIRED) -> Any:
        """``table[key]`` checked against ``spec``; absent, ``default`` (a problem if it is REQUIRED).

        A wrong or missing required value gives None; a wrong optional one its default.
        """
        where = join(at, key)
        if key not in table:
            if default is REQUIRED:
                self.missing(where, spec.what)
                return None
            return default
        return self.check(where, table[key], spec, None if default is REQUIRED else default)

    def keys(self, table: Mapping[str, Any], at: str, known: Iterable[str], noun: str = "key") -> None:
        """Record every key of ``table`` that is not ``known``, with a did-you-mean when one is close."""
        known = list(known)
        for key in table:
            if key not in known:
                self.unknown(join(at, str(key)), key, known, noun)

    # -- reporting

    def __len__(self) -> int:
        return len(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.items)

    def messages(self) -> list[str]:
        return [str(p) for p in self.items]

    def raise_if_any(self, error: Callable[[list[str]], Exception]) -> None:
        """Raise ``error(messages)`` (ScenarioError, SweepError, LessonError …) if anything was recorded."""
        if self.items:
            raise error(self.messages())


def flatten(table: dict, leaf_keys: Iterable[str], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Yield (dotted key, spec) from a TOML table: unquoted dotted keys arrive as nested tables, and a
    table holding any of ``leaf_keys`` is a spec, not a level."""
    leaf = set(leaf_keys)
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value and not set(value) & leaf:
            yield from flatten(value, leaf, f"{name}.")
        else:
            yield name, value
