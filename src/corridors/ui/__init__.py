"""Streamlit panels; the only part of the package that imports streamlit."""

from .page import main

__all__ = ["main"]
