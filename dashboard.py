"""The dashboard page, run once per viewer's rerun (app.py serves it). While the server is still preparing,
the viewer is told what it is doing; then corridors.ui lays out the page."""

from pathlib import Path

from corridors.ui import boot, main

boot.wait()
main(app_dir=Path(__file__).parent)
