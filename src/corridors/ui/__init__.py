"""Streamlit panels; the only part of the package that imports streamlit. Importing the package is light (the
page's modules are imported by `main`), so the page can say what it is waiting for before they are loaded."""

from __future__ import annotations

from pathlib import Path


def main(app_dir: Path | None = None) -> None:
    """Lay out the dashboard page (corridors.ui.page.main)."""
    from .page import main as page

    page(app_dir)


__all__ = ["main"]
