"""Streamlit entry: `streamlit run app.py`. The page is laid out by corridors.ui."""

from corridors.ui import main

main()
