"""Errors fwgen reports as one line and an exit code, never as a traceback."""


class FwgenError(Exception):
    """Something went wrong that the user can act on. Exit code 1."""

    exit_code = 1


class UsageError(FwgenError):
    """Bad or missing input: a flag, an answer, a name. Exit code 2."""

    exit_code = 2
