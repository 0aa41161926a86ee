"""Browser fixtures for the web page's tests: real headless Chromium (Playwright, sync API)."""
from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path(os.environ.get("PRAXIS_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def expected(console_error: str) -> bool:
    """The browser logs every 4xx as an error; the tests cause some on purpose. 5xx never."""
    return console_error.startswith("Failed to load resource") and "status of 4" in console_error


class OutsideRequests(list):
    """Requests the page tried to make to any host but the test server (all are aborted)."""


@pytest.fixture
def open_page(browser, api_server):
    """open_page(path, width=1280, locale="en-US") -> a Page on the test server.

    Every request to another host is aborted and recorded in ``page.outside`` (Praxis must work
    offline); any script error fails the test.
    """
    contexts, errors = [], []
    local = urlsplit(api_server.url).netloc

    def open_(path: str = "/", width: int = 1280, height: int = 900, locale: str = "en-US", **context_options):
        context = browser.new_context(viewport={"width": width, "height": height}, base_url=api_server.url,
                                      locale=locale, accept_downloads=True, **context_options)
        contexts.append(context)
        outside = OutsideRequests()

        def guard(route):
            if urlsplit(route.request.url).netloc == local or route.request.url.startswith(("blob:", "data:")):
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        context.route("**/*", guard)
        page = context.new_page()
        page.outside = outside
        page.set_default_timeout(30_000)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" and not expected(msg.text) else None)
        if path is not None:
            page.goto(path)
        return page

    yield open_
    for context in contexts:
        context.close()
    assert not errors, errors


@pytest.fixture
def screenshot():
    """screenshot(page, name): kept when PRAXIS_SCREENSHOTS names a folder (to look at the page by eye)."""
    def take(page, name: str) -> None:
        folder = os.environ.get("PRAXIS_SCREENSHOTS")
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)
    return take
