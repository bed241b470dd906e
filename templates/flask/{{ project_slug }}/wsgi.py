"""Production entry point: `gunicorn <package>.wsgi:app`."""

from . import create_app
from .config import ProductionConfig

app = create_app(ProductionConfig())
