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

    def dataset() -> None:
        found = data.progress(bool(data.configured_editors()))
        data.load(found.version)

    def base_map() -> None:
        assets.leaflet_urls(here)
        assets.base_map_url(here)

    def corridors() -> None:
        found = data.progress(bool(data.configured_editors()))
        data.table(date.today(), counting.DEFAULT, found.version)
        data.line_geometry(found.version)

    return [("boot_dataset", dataset), ("boot_base_map", base_map), ("boot_corridors", corridors)]
