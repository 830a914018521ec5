"""Streamlit entry: `streamlit run app.py` serves the dashboard (dashboard.py) and, as the server starts,
prepares what its first viewer needs (corridors.ui.boot), so that the first visit after an install is as quick
as any other."""

from pathlib import Path

import streamlit as st

from corridors.ui import boot

app = st.App("dashboard.py", lifespan=boot.lifespan(Path(__file__).parent))
