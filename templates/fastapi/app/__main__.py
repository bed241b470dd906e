"""Production server: `python -m app` (the Docker image's command)."""

import sys

import uvicorn

from app.core.config import get_settings


def main() -> None:
    settings = get_settings()
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
    )


if __name__ == "__main__":
    main()
