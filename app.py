"""Streamlit entry: `streamlit run app.py`. The page is laid out by corridors.ui."""

from pathlib import Path

from corridors.ui import main

main(app_dir=Path(__file__).parent)
