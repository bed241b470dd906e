"""fwgen: recommend a Python web framework and render a starter project that stays updatable."""

__version__ = "0.1.0"
