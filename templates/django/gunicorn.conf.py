"""Gunicorn settings, read from the same environment variables as the app."""

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
accesslog = "-"
# Let the proxy's X-Forwarded-* headers through; the app decides what to trust.
forwarded_allow_ips = "*"
