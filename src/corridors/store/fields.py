"""The one field check: what every stored text obeys, on every backend, when recording and when reading.

A value is text, no longer than its column allows, holds no control character (line breaks and tabs only in
a multi-line column) and can be stored as UTF-8; a closed-set column holds one of its values; a title-like
column holds a visible character. The rules of each table beyond these live with it (events, alignments).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

from .schema import Column, checked


def text_problems(values: Mapping[str, object], columns: tuple[Column, ...], *,
                  stored: bool = False) -> list[tuple[str, str]]:
    """(field, reason) for every checked column whose value is not text, too long, holds a control character or
    cannot be stored as UTF-8. A NULL is passed over in a nullable column; a column absent from values is passed
    over unless the values are a stored row (stored=True), which has them all."""
    out = []
    for column in checked(columns):
        field, value = column.name, values.get(column.name)
        if (value is None and column.nullable) or (field not in values and not stored):
            continue
        if not isinstance(value, str):
            out.append((field, f"is {type(value).__name__}, not text"))
            continue
        if len(value) > column.length:
            out.append((field, f"is {len(value)} characters long (at most {column.length})"))
        allowed = "\n\r\t" if column.multiline else ""
        if any((ord(ch) < 32 and ch not in allowed) or ord(ch) == 127 for ch in value):
            out.append((field, "holds a control character"))
        out += [(field, why) for why in unencodable(value)]
    return out


def closed_set_problems(values: Mapping[str, object], columns: tuple[Column, ...]) -> list[tuple[str, str]]:
    """(field, reason) for every column with a closed set of values whose value is not one of them."""
    out = []
    for column in columns:
        if column.allowed is not None and values[column.name] not in column.allowed:
            what = column.noun or f"one of {', '.join(column.allowed)}"
            out.append((column.name, f"'{values[column.name]}' is not {what}"))
    return out


def blank_problems(values: Mapping[str, object], columns: tuple[Column, ...]) -> list[tuple[str, str]]:
    """(field, reason) for every column that must hold a visible character and does not."""
    return [(c.name, "is empty" if not values[c.name].strip() else "holds no visible character")
            for c in columns if c.visible and not visible(values[c.name])]


def visible(text: str) -> bool:
    """Whether text holds at least one character a reader can see (a letter, digit, punctuation or symbol):
    white space, zero-width spaces, joiners and other format characters alone do not make a title."""
    return any(unicodedata.category(ch)[0] in "LNPS" for ch in text)


def unencodable(value: str) -> list[str]:
    """Why a text cannot be stored as UTF-8 (a lone surrogate, e.g. from undecodable bytes), if it cannot:
    refused by name here rather than by the driver's UnicodeEncodeError, the same on every backend."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        return [f"holds a character that cannot be stored as UTF-8 (U+{ord(value[exc.start]):04X} at "
                f"character {exc.start + 1}, a lone surrogate)"]
    return []
