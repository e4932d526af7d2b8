"""Security of the running app, in the real browser and over raw HTTP.

One app process for the module, started the way a careful user would: `--auth` and a 1 MB
upload limit. Checked here:

* hostile document text, titles and claims render as inert text in the Check tab cards, the
  corpus document viewer, the Batch table and the Review tab (list and history);
* no HTTP path serves a file outside the index (the database included), whatever the encoding;
* uploads keep to the allowed types and size and land inside <index>/uploads/ whatever the name;
* the server listens on 127.0.0.1 only and refuses everything without the login.
"""

from __future__ import annotations

import http.client
import json
import shutil
import urllib.parse
from pathlib import Path

import pytest
from ui_helpers import ROOT, assert_inert, check_claim, open_tab, start_app, stop_app

USER, PASSWORD = "reviewer", "s3cret-pass"

SCRIPT = "<script>window.__xss = 1; alert('script')</script>"
IMG = "<img src=x onerror=\"window.__xss = 2; alert('img')\">"
BREAKOUT = "'\"><img src=x onerror=window.__xss=3>"
SVG = "<svg onload=window.__xss=4></svg>"
PAYLOADS = [SCRIPT, IMG, BREAKOUT, SVG]
# what the payloads would create if they were rendered as HTML (the UI's own icons are SVGs)
INJECTED = "script, img[src='x'], [onerror], [onload]"

HOSTILE_DOC = f"""---
title: Zelgrim report {IMG}
---
The Zelgrim tunnel was opened in 1994 {SCRIPT} by the regional council.
The Zelgrim tunnel keeper {IMG} retired in 2011.
Its toll was abolished in 2015 {BREAKOUT} after a vote {SVG}.
"""
HOSTILE_CLAIM = f"The Zelgrim tunnel keeper retired in 2011 {IMG}"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """The real app with --auth and a 1 MB upload limit (overrides the shared fixture)."""
    index_dir = tmp_path_factory.mktemp("secure") / "index"
    shutil.copytree(ROOT / "index" / "sources", index_dir / "sources")
    running = start_app(index_dir, ["--auth", f"{USER}:{PASSWORD}", "--max-upload-mb", "1"])
    yield running
    stop_app(running)


@pytest.fixture()
def page(browser, app):
    """A logged-in page that records dialogs."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.dialogs = []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    response = context.request.post(
        app.url + "login", form={"username": USER, "password": PASSWORD}
    )
    assert response.ok, response.status
    page.goto(app.url)
    page.locator("#claim textarea").wait_for()
    yield page
    context.close()


def _get(app, path: str, cookie: str | None = None) -> tuple[int, bytes]:
    """A raw GET: the path goes out exactly as written (no client-side normalising)."""
    conn = http.client.HTTPConnection("127.0.0.1", app.port, timeout=30)
    headers = {"Cookie": cookie} if cookie else {}
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body


def _login_cookie(app) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", app.port, timeout=30)
    body = urllib.parse.urlencode({"username": USER, "password": PASSWORD})
    conn.request("POST", "/login", body, {"Content-Type": "application/x-www-form-urlencoded"})
    response = conn.getresponse()
    response.read()
    cookies = response.headers.get_all("set-cookie") or []
    conn.close()
    assert response.status == 200 and cookies, response.status
    return "; ".join(c.split(";", 1)[0] for c in cookies)


def _client(app):
    from gradio_client import Client

    return Client(
        app.url,
        auth=(USER, PASSWORD),
        verbose=False,
        download_files=False,
        httpx_kwargs={"timeout": 600},
    )


# -- hostile text renders as text ----------------------------------------------------------


def _upload_hostile_doc(page) -> None:
    open_tab(page, "Corpus")
    page.locator("#upload-docs input[type=file]").set_input_files(
        [{"name": "zelgrim.md", "mimeType": "text/markdown", "buffer": HOSTILE_DOC.encode()}]
    )
    page.locator("#add-docs").click()
    page.locator("#corpus-msg", has_text="added").wait_for()


def test_check_tab_cards_and_claim_are_inert(page):
    _upload_hostile_doc(page)
    assert_inert(page)
    check_claim(page, HOSTILE_CLAIM)
    page.locator(".wb-card", has_text="Zelgrim").first.wait_for()
    page.locator("#neutral details").evaluate_all("els => els.forEach(e => e.open = true)")
    page.wait_for_timeout(300)
    shown = " ".join(
        page.locator("#verdict, #supporting, #conflicting, #neutral").all_inner_texts()
    )
    assert IMG in shown  # the claim and the evidence show the payload as text
    assert "Zelgrim report <img" in shown  # the title, too
    assert_inert(page)


def test_document_viewer_is_inert(page):
    open_tab(page, "Corpus")
    page.locator("#doc-pick input").click()
    page.get_by_role("option", name="Zelgrim").first.click()
    page.locator("#open-doc").click()
    view = page.locator("#doc-view .wb-doctext")
    view.wait_for()
    text = view.inner_text()
    for payload in PAYLOADS:
        assert payload in text
    assert page.locator("#doc-view").locator(INJECTED).count() == 0
    page.wait_for_timeout(300)
    assert_inert(page)


def test_batch_table_is_inert(page, tmp_path):
    claims = tmp_path / "hostile.jsonl"
    rows = [
        {"id": f"id{SCRIPT}", "claim": f"The Zelgrim tunnel was opened in 1994 {SCRIPT}"},
        {"id": "b2", "claim": HOSTILE_CLAIM},
        {"id": "b3", "claim": f"Toll abolished {BREAKOUT} {SVG}"},
    ]
    claims.write_text("".join(json.dumps(r) + "\n" for r in rows))
    open_tab(page, "Batch")
    page.locator("#batch-file input[type=file]").set_input_files(str(claims))
    page.locator("#batch-run").click()
    page.locator("#batch-msg", has_text="Checked 3 claims").wait_for()
    table = page.locator("#batch-table")
    text = table.inner_text()
    assert SCRIPT in text and IMG in text
    assert table.locator(INJECTED).count() == 0
    page.wait_for_timeout(300)
    assert_inert(page)


def test_review_list_and_history_are_inert(page):
    check_claim(page, HOSTILE_CLAIM)
    page.locator("#to-review-btn").click()
    page.locator("#review-claim", has_text="Zelgrim").wait_for()
    page.locator("#reviewer input, #reviewer textarea").first.fill(f"Mallory {IMG}")
    page.locator("#final-verdict").get_by_label("REFUTED", exact=True).check()
    page.locator("#note textarea").fill(f"note {SCRIPT} {BREAKOUT}")
    page.locator("#save-review").click()
    page.locator("#review-msg", has_text="saved").wait_for()
    page.locator("#reviews-table", has_text="Zelgrim").wait_for()
    page.locator("#review-history details").evaluate_all("els => els.forEach(e => e.open = true)")
    page.wait_for_timeout(300)
    listing = page.locator("#reviews-table").inner_text()
    history = page.locator("#review-history").inner_text()
    assert IMG in listing and SCRIPT in listing
    assert f"Mallory {IMG}" in history
    region = page.locator("#reviews-table, #review-history, #review-claim, #review-msg")
    assert region.locator(INJECTED).count() == 0
    assert_inert(page)


# -- nothing outside the index is served -----------------------------------------------------

OUTSIDE = [
    "/file=/etc/passwd",
    "/gradio_api/file=/etc/passwd",
    "/gradio_api/file=//etc/passwd",
    "/gradio_api/file=/etc/../etc/passwd",
    "/gradio_api/file=../../../../../../etc/passwd",
    "/gradio_api/file=%2Fetc%2Fpasswd",
    "/gradio_api/file=%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/gradio_api/file=/proc/self/environ",
    "/gradio_api/file={root}/app.py",
    "/gradio_api/file={root}/workbench/ui.py",
    "/gradio_api/file={index}/workbench.db",
    "/gradio_api/file={index}/workbench.db-wal",
    "/gradio_api/file={index}/ui-cache/../workbench.db",
    "/gradio_api/file={index}/sources/{seed}",
    "/gradio_api/file={outside}",
    "/static/../../../../etc/passwd",
    "/assets/../../../../etc/passwd",
    "/gradio_api/static/../../../../etc/passwd",
    "/favicon.ico/../../../etc/passwd",
    "/gradio_api/file=/root/.bashrc",
]


@pytest.fixture(scope="module")
def outside_file(app):
    path = app.index_dir.parent / "outside-secret.txt"
    path.write_text("TOP SECRET outside the index\n")
    return path


@pytest.mark.parametrize("template", OUTSIDE)
def test_no_path_serves_files_outside_the_index(app, outside_file, template):
    seed = next((app.index_dir / "sources").iterdir()).name
    path = template.format(root=ROOT, index=app.index_dir, seed=seed, outside=outside_file)
    cookie = _login_cookie(app)
    status, body = _get(app, path, cookie)
    assert status in (400, 403, 404), (path, status, body[:200])
    for secret in (b"root:x:0:0", b"TOP SECRET", b"SQLite format 3", b"import sys"):
        assert secret not in body


# -- uploads ------------------------------------------------------------------------------------


def test_upload_names_types_and_size(app):
    client = _client(app)
    uploads = app.index_dir / "uploads"
    traversal = client.predict(
        "../../../escaped.txt", "The Ferrow lock was rebuilt in 1970.", api_name="/add_text"
    )
    assert traversal["file"] == "escaped.txt" and len(traversal["added"]) == 1
    assert (uploads / "escaped.txt").exists()
    assert not any(p.name == "escaped.txt" for p in app.index_dir.parent.rglob("escaped.txt")
                   if uploads not in p.parents)  # fmt: skip
    for name in ("..\\..\\win.txt", "/etc/cron.d/x.txt", ".hidden.md", "a/b/../../c.md"):
        client.predict(name, "Harmless text about the Ferrow lock.", api_name="/add_text")
    stored = {p.resolve() for p in uploads.iterdir()}
    assert all(p.parent == uploads.resolve() for p in stored)
    assert not any(p.name.startswith(".") for p in stored if not p.name.startswith(".part-"))
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="exe"):
        client.predict("tool.exe", "MZ", api_name="/add_text")
    with pytest.raises(AppError, match="limit"):
        client.predict("big.txt", "x" * 1_100_000, api_name="/add_text")
    assert not (uploads / "tool.exe").exists() and not (uploads / "big.txt").exists()


def test_gradio_upload_endpoint_enforces_the_size_limit(app):
    cookie = _login_cookie(app)
    boundary = "----wbtest"
    payload = b"y" * 1_500_000
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
            f'filename="../../big.txt"\r\nContent-Type: text/plain\r\n\r\n'
        ).encode()
        + payload
        + f"\r\n--{boundary}--\r\n".encode()
    )
    conn = http.client.HTTPConnection("127.0.0.1", app.port, timeout=60)
    conn.request(
        "POST",
        "/gradio_api/upload",
        body,
        {"Content-Type": f"multipart/form-data; boundary={boundary}", "Cookie": cookie},
    )
    response = conn.getresponse()
    response.read()
    conn.close()
    assert response.status in (400, 413)
    assert not (app.index_dir.parent / "big.txt").exists()
    assert not (app.index_dir.parent.parent / "big.txt").exists()


# -- binding and authentication -------------------------------------------------------------------


def _listening_addresses(port: int) -> set[str]:
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not Path(table).exists():
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, hexport = fields[1].rsplit(":", 1)
            if int(hexport, 16) == port and fields[3] == "0A":  # LISTEN
                found.add(address)
    return found


def test_binds_to_loopback_only_by_default(app):
    from workbench.cli.serve import serve

    assert serve.make_context("serve", []).params["host"] == "127.0.0.1"
    assert _listening_addresses(app.port) == {"0100007F"}  # 127.0.0.1, nothing else


@pytest.mark.parametrize(
    "path",
    [
        "/config",
        "/gradio_api/info",
        "/gradio_api/file=" + str(ROOT / "app.py"),
        "/gradio_api/file=/etc/passwd",
    ],
)
def test_everything_needs_the_login(app, path):
    status, body = _get(app, path)
    assert status in (401, 403), (path, status, body[:200])


def test_api_needs_the_login(app):
    from gradio_client import Client

    with pytest.raises(Exception):  # noqa: B017 - any refusal will do, as long as it refuses
        Client(app.url, verbose=False, download_files=False).predict(
            "Yerevan denies military presence in Karabakh", "", api_name="/check_claim"
        )
    wrong = http.client.HTTPConnection("127.0.0.1", app.port, timeout=30)
    wrong.request(
        "POST",
        "/login",
        urllib.parse.urlencode({"username": USER, "password": "wrong"}),
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert wrong.getresponse().status in (400, 401, 403)
    wrong.close()
    result = _client(app).predict(
        "Yerevan denies military presence in Karabakh", "", api_name="/check_claim"
    )
    assert result["verdict"] and result["evidence"]
