import gc
import inspect
import weakref
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[Callable[..., Any]]:
    """Every function Flask itself checks for `async def`."""
    checked: list[Callable[..., Any]] = []
    flask_check = Flask.ensure_sync

    def spy(self: Flask, func: Callable[..., Any]) -> Callable[..., Any]:
        checked.append(func)
        if inspect.iscoroutinefunction(func):
            return lambda *args, **kwargs: None  # what Flask would run it with (needs asgiref)
        return flask_check(self, func)

    monkeypatch.setattr(Flask, "ensure_sync", spy)
    return checked


def test_a_plain_function_is_checked_once(app: Flask, checks: list[Callable[..., Any]]) -> None:
    def hook() -> None:
        return None

    assert [app.ensure_sync(hook) for _ in range(3)] == [hook] * 3
    assert checks == [hook]


def test_coroutine_functions_are_left_to_flask(
    app: Flask, checks: list[Callable[..., Any]]
) -> None:
    async def view() -> str:
        return "ok"

    assert app.ensure_sync(view) is not view
    assert app.ensure_sync(view) is not view
    assert checks == [view, view]


def test_remembered_functions_are_not_kept_alive(app: Flask) -> None:
    def once() -> None:
        return None

    app.ensure_sync(once)
    gone = weakref.ref(once)
    del once
    gc.collect()
    assert gone() is None
