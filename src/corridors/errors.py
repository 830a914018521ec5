"""One exception family for the package: every message names what is wrong and where."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class CorridorsError(Exception):
    """Base of every error this package raises on purpose."""


class DataError(CorridorsError):
    """A data file holds a bad value; the message names file, row and field."""

    def __init__(self, message: str, *, file: str | None = None, row: int | None = None,
                 field: str | None = None, value: object = None) -> None:
        self.file, self.row, self.field, self.value = file, row, field, value
        where = []
        if file:
            where.append(str(file))
        if row is not None:
            where.append(f"row {row}")
        if field:
            where.append(f"field '{field}'")
        prefix = ", ".join(where)
        shown = f" (value: {value!r})" if value is not None else ""
        super().__init__(f"{prefix}: {message}{shown}" if prefix else f"{message}{shown}")


class PlaceError(CorridorsError):
    """A place name that cannot be resolved to exactly one point."""


class PlaceNotFound(PlaceError):
    """No place in the gazetteer carries this name."""


class AmbiguousPlace(PlaceError):
    """Several places carry this name and nothing qualifies which one is meant."""

    def __init__(self, name: str, candidates: list[str]) -> None:
        self.name, self.candidates = name, candidates
        super().__init__(
            f"place '{name}' is ambiguous: {len(candidates)} candidates: " + "; ".join(candidates)
            + ". Qualify it with the county or province."
        )


class PlanParseError(CorridorsError):
    """The plan text does not contain what the parser expects."""


class CoverageError(CorridorsError):
    """The catalog and the plan text disagree."""


class GeometryError(CorridorsError):
    """A geometry is invalid, outside the region or of the wrong type."""


class AlignmentError(GeometryError):
    """An alignment file is refused; the message names the file, layer, feature and reason. Nothing was stored."""

    def __init__(self, reason: str, *, file: str, layer: str | None = None, feature: str | None = None) -> None:
        self.file, self.layer, self.feature, self.reason = file, layer, feature, reason
        where = [file] + ([f"layer '{layer}'"] if layer else []) + ([f"feature {feature}"] if feature else [])
        super().__init__(f"{', '.join(where)}: {reason}; nothing was stored")


class StoreError(CorridorsError):
    """A progress event is refused; nothing was written."""


class SnapshotError(CorridorsError):
    """A snapshot cannot be written; no partial bundle is left behind."""


class OutputError(CorridorsError, OSError):
    """An output path that is not a regular file (a folder, FIFO, device, socket or symbolic link) is left as it
    is; nothing was written. An OSError too, so that a cache write that meets one is skipped like any other."""


class DataErrors(CorridorsError):
    """Every problem found in one load, so a user can fix them all at once; nothing was loaded."""

    def __init__(self, errors: list[DataError]) -> None:
        self.errors = errors
        super().__init__(f"{len(errors)} problem(s) in the data:\n" + "\n".join(f"  - {e}" for e in errors))


@contextmanager
def reading(path: Path, *, what: str = "") -> Iterator[None]:
    """Inside it, an error while reading a data file becomes a DataError naming the file: text that is not
    UTF-8 (with its line), a file cut short or not in its format (what: e.g. 'UTF-8 CSV', 'GeoJSON').
    Errors of this family pass through unchanged; so does OSError (a missing or unreadable file), which
    names its file itself."""
    try:
        yield
    except (CorridorsError, OSError, MemoryError, KeyboardInterrupt):
        raise
    except UnicodeDecodeError:
        raise DataError(f"is not UTF-8 text{not_utf8(path) or ''}: save it as UTF-8", file=str(path)) from None
    except Exception as exc:  # the reader's own words, on one line, after the file's name
        detail = " ".join(str(exc).split()) or type(exc).__name__
        as_what = f" as {what}" if what else ""
        raise DataError(f"cannot be read{as_what}, the file may be cut short or damaged ({detail})",
                        file=str(path)) from None


def not_utf8(path: Path) -> str | None:
    """' (line N, byte 0x..)': where a file first stops being UTF-8; None when it is UTF-8 or cannot be read."""
    try:
        raw = Path(path).read_bytes()
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        return f" (line {line}, byte 0x{raw[exc.start]:02x})"
    except OSError:
        pass
    return None
