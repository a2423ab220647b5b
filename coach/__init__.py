"""写作教练 (coach): a five-step writing coach for Chinese official documents and speeches.

Everything here is importable and testable without Streamlit; ``app.py`` only draws widgets.
"""

__version__ = "0.1.0"
