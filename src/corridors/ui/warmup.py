"""What the server prepares before its first viewer (corridors.ui.boot runs these in order, in a thread): the
same cached calls the page's first run makes, so that run finds them done."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from .. import counting
from . import assets, data


def steps(app_dir: Path) -> list[tuple[str, Callable[[], object]]]:
    """(i18n key of what is being prepared, the work) in the order the page needs them."""
    here = str(app_dir)
    found: list[data.Progress] = []  # the store as the page will see it, read once by the first step

    def dataset() -> None:
        found.append(data.progress(bool(data.configured_editors())))
        data.load(found[0].version)

    def base_map() -> None:
        assets.leaflet_urls(here)
        assets.base_map_url(here)

    def corridors() -> None:
        data.table(date.today(), counting.DEFAULT, found[0].version)
        data.line_geometry(found[0].version)

    return [("boot_dataset", dataset), ("boot_base_map", base_map), ("boot_corridors", corridors)]
