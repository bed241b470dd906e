import asyncio

import pytest
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from app.core import security


async def test_password_hashing_leaves_the_event_loop_serving(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Production-sized cost, so a hash that blocked the loop would stop the ticker for its
    # whole duration instead of sharing the time.
    monkeypatch.setattr(security, "password_hash", PasswordHash((Argon2Hasher(),)))
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    running = asyncio.create_task(ticker())
    await asyncio.sleep(0)
    before = ticks
    hashed = await security.hash_password("correct horse battery staple")
    assert await security.verify_password("correct horse battery staple", hashed)
    running.cancel()
    assert ticks - before > 10
