"""Email on the user's path: a real SMTP server the booted app sends to, and the checks that
follow what arrives (a password reset, from the request to the new password working).

The server and mailbox are the starters' own (templates/_shared/mailbox.py.jinja, rendered
verbatim into each project's tests), loaded here from that one source.
"""

from __future__ import annotations

import importlib.util
import json
import secrets
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import harness

MAILBOX_SOURCE = Path(__file__).resolve().parents[1] / "templates" / "_shared" / "mailbox.py.jinja"
RESET_PATH = harness.PASSWORD_RESET_PATH
CONFIRM_PATH = "/api/v1/auth/password-reset/confirm"
RESET_MAIL = "Reset your password"
VERIFY_MAIL = "Verify your email address"
ME_PATH = "/api/v1/users/me"


def _load_mailbox() -> ModuleType:
    spec = importlib.util.spec_from_loader("fwgen_mailbox", loader=None, origin=str(MAILBOX_SOURCE))
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    code = compile(MAILBOX_SOURCE.read_text(encoding="utf-8"), str(MAILBOX_SOURCE), "exec")
    exec(code, module.__dict__)
    return module


mailbox = _load_mailbox()
smtp_server = mailbox.smtp_server
link_in = mailbox.link_in
text_of = mailbox.text_of
html_of = mailbox.html_of


def ask_for_reset(server: harness.Server, email: str) -> harness.Response:
    # With a host the sender chose (allowed, and not PUBLIC_URL's): the link must still come
    # from PUBLIC_URL, never from a request's host or the X-Forwarded-Host a client sends.
    headers = {"Content-Type": "application/json", "X-Forwarded-Host": "127.0.0.1"}
    body = json.dumps({"email": email}).encode()
    request = urllib.request.Request(server.base_url + RESET_PATH, body, headers, method="POST")
    return harness.http_request(request, timeout=10)


def emailed_link(server: harness.Server, box: Any, email: str) -> str:
    answer = ask_for_reset(server, email)
    if answer.status != 202 or answer.body:
        raise harness.CheckFailed(f"asking for a reset answered {answer.status} {answer.body!r}")
    message = box.wait_for(email, RESET_MAIL, timeout=30)
    return str(link_in(message))


def password_reset_by_email(server: harness.Server, box: Any) -> None:
    """A reset asked for over the API arrives by SMTP; its link opens a form that sets the new
    password; the old password, the old tokens and the link itself stop working."""
    account = harness.register(server)
    assert account is not None
    email, password = account
    pair = harness.token_request(server, email, password).json()
    assert isinstance(pair, dict)
    stranger = ask_for_reset(server, f"nobody-{secrets.token_hex(4)}@example.com")
    link = emailed_link(server, box, email)
    message = box.to(email, RESET_MAIL)[-1]
    if stranger.status != 202 or stranger.body:
        raise harness.CheckFailed(f"an unknown email got {stranger.status} {stranger.body!r}")
    if not link.startswith(f"{server.base_url}/reset-password?token="):
        raise harness.CheckFailed(f"the emailed link {link!r} does not lead to this site")
    if link.replace("&", "&amp;") not in html_of(message) or "From" not in message:
        raise harness.CheckFailed(f"the message lacks the link in HTML or a sender:\n{message}")

    browser = harness.Browser(server)
    page = browser.request(link)
    if page.status != 200:
        raise harness.CheckFailed(f"the emailed link answered {page.status}: {page.body[:300]!r}")
    new_password = secrets.token_urlsafe(18)
    done = browser.submit(link, page.body, new_password)
    if done.status != 200:
        raise harness.CheckFailed(
            f"setting the password answered {done.status}: {done.body[:400]!r}"
        )
    if harness.token_request(server, email, password).status != 401:
        raise harness.CheckFailed("the old password still logs in after the reset")
    if harness.token_request(server, email, new_password).status != 200:
        raise harness.CheckFailed("the new password does not log in after the reset")
    spent = harness.post_json(
        server, "/api/v1/auth/refresh", {"refresh_token": pair["refresh_token"]}
    )
    if spent.status != 401:
        raise harness.CheckFailed(f"a refresh token from before the reset answered {spent.status}")
    if (again := harness.Browser(server).request(link)).status != 400:
        raise harness.CheckFailed(f"the used link opened again: {again.status}")


def email_verified_by_its_link(server: harness.Server, box: Any) -> None:
    """Registering mails a link; opening it changes nothing, its page's button verifies."""
    account = harness.register(server)
    assert account is not None
    email, password = account
    link = str(link_in(box.wait_for(email, VERIFY_MAIL, timeout=30)))
    if not link.startswith(f"{server.base_url}/verify-email?token="):
        raise harness.CheckFailed(f"the verification link {link!r} does not lead to this site")
    token = harness.token_pair(server, email, password)["access_token"]

    def verified() -> object:
        me = harness.http_request(
            urllib.request.Request(
                server.base_url + ME_PATH, headers={"Authorization": f"Bearer {token}"}
            ),
            timeout=10,
        ).json()
        return me.get("email_verified") if isinstance(me, dict) else me

    browser = harness.Browser(server)
    page = browser.request(link)
    if page.status != 200 or verified() is not False:
        raise harness.CheckFailed(f"opening the link answered {page.status}, or verified at once")
    done = browser.submit(link, page.body)
    if done.status != 200 or verified() is not True:
        raise harness.CheckFailed(f"the page's button answered {done.status}: {done.body[:300]!r}")


def mail_waits_for_the_worker(
    server: harness.Server,
    box: Any,
    queued: Callable[[], int],
    start_worker: Callable[[], harness.Server],
) -> harness.Server:
    """With a worker, the app only queues mail: a registration's verification mail waits in
    Redis, unsent, until the worker starts; then the worker delivers it. The worker, running."""
    account = harness.register(server)
    assert account is not None
    email = account[0]
    deadline = time.monotonic() + 10
    while queued() < 1:
        if time.monotonic() > deadline:
            raise harness.CheckFailed("registering queued no job in Redis within 10 s")
        time.sleep(0.05)
    if box.to(email):
        raise harness.CheckFailed("the app sent the mail itself: it was to wait for the worker")
    worker = start_worker()
    try:
        link = str(link_in(box.wait_for(email, VERIFY_MAIL, timeout=60)))
        worker.wait_for_output("email.send[", timeout=10)
        token = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)["token"][0]
        if token in worker.output() or urllib.parse.quote(token) in worker.output():
            raise harness.CheckFailed(
                "the worker logged the mail's link, which signs its reader in"
            )
    except BaseException:
        worker.stop()
        raise
    return worker


def one_reset_winner(server: harness.Server, box: Any, racers: int = 6) -> None:
    """Requests racing with one emailed token: exactly one sets the password."""
    account = harness.register(server)
    assert account is not None
    token = urllib.parse.parse_qs(
        urllib.parse.urlsplit(emailed_link(server, box, account[0])).query
    )
    start = threading.Barrier(racers)
    statuses: list[int] = []

    def confirm() -> None:
        body = {"token": token["token"][0], "new_password": secrets.token_urlsafe(18)}
        start.wait()
        statuses.append(harness.post_json(server, CONFIRM_PATH, body).status)

    threads = [threading.Thread(target=confirm) for _ in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if sorted(statuses) != [204] + [422] * (racers - 1):
        raise harness.CheckFailed(f"{racers} racing confirmations answered {sorted(statuses)}")


def reset_requests_are_throttled(server: harness.Server) -> None:
    """Asking again and again for one address ends in 429 with Retry-After, whether or not an
    account has it (so the limit tells nobody which addresses have one)."""
    email = f"nobody-{secrets.token_hex(4)}@example.com"
    answers = [ask_for_reset(server, email) for _ in range(4)]
    statuses = [answer.status for answer in answers]
    retry = answers[-1].headers.get("retry-after", "")
    if statuses != [202, 202, 202, 429] or not retry.isdigit():
        raise harness.CheckFailed(
            f"4 reset requests for one email answered {statuses}, Retry-After {retry!r}"
        )
    if json.loads(answers[-1].body).get("status") != 429:
        raise harness.CheckFailed(f"the 429 is not a problem: {answers[-1].body!r}")
