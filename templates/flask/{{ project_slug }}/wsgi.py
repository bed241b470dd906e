"""Production entry point: `gunicorn <package>.wsgi:app`."""

import logging

from . import create_app
from .config import ProductionConfig

app = create_app(ProductionConfig())
if app.config["MAIL_SERVER"] is None:
    # Said where the app is served, not by every `flask` command.
    logging.getLogger(__name__).warning(
        "EMAIL_URL is not set: no email is sent (password reset links included)"
    )
