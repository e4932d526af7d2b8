"""Browser tests: the real app (python app.py) in a subprocess, driven by Debian's Chromium.

Each test module gets its own app process on a free port, over a fresh temporary copy of the
default corpus (index/sources/), which the app indexes at start-up with the default models.
Skipped, with the reason, when /usr/bin/chromium is missing (CI installs it).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from ui_helpers import CHROMIUM, CHROMIUM_ARGS, ROOT, start_app, stop_app


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives the real app in Chromium (Playwright)")


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
            if not Path(CHROMIUM).exists():
                item.add_marker(
                    pytest.mark.skip(
                        reason=f"{CHROMIUM} is missing; install it with "
                        "`apt-get install -y chromium` to run the browser tests"
                    )
                )


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """The real app over a temporary copy of the default corpus; one process per module."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing")
    index_dir = tmp_path_factory.mktemp("ui") / "index"
    shutil.copytree(ROOT / "index" / "sources", index_dir / "sources")
    running = start_app(index_dir)
    yield running
    stop_app(running)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser, app):
    """A fresh page on the app; records dialogs and any request that leaves 127.0.0.1."""
    context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.dialogs = []
    page.external_requests = []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.on(
        "request",
        lambda r: (
            page.external_requests.append(r.url)
            if not r.url.startswith((app.url, "data:", "blob:"))
            else None
        ),
    )
    page.goto(app.url)
    page.locator("#claim textarea").wait_for()
    yield page
    context.close()
