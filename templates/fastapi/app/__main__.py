"""Production server: `python -m app` (the Docker image's command)."""

import os
import sys

import uvicorn

from app.core.config import PRODUCTION, get_settings
from app.core.logging import configure_logging


def main() -> None:
    os.environ[PRODUCTION] = "1"  # inherited by uvicorn's worker processes
    get_settings.cache_clear()
    settings = get_settings()
    configure_logging(settings.log_level)
    problems = settings.production_problems()
    if problems:
        sys.exit("refusing to start in production: " + "; ".join(problems))
    uvicorn.run(
        "app.main:app",
        host="0.0.0.0",  # noqa: S104 - the container's port is what gets published
        port=settings.port,
        workers=settings.web_concurrency,
        log_level=settings.log_level.lower(),
        proxy_headers=True,
        forwarded_allow_ips="*",
        log_config=None,  # keep the JSON logging configured above
        access_log=False,  # the request middleware logs each request, with its id
    )


if __name__ == "__main__":
    main()
