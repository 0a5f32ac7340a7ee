"""The dashboard in a real browser: Debian's Chromium driven by Playwright against
``streamlit run app.py`` on a free loopback port with a temporary database.

Clicks every page (screenshots into test-artifacts/, the Overview also into
docs/screenshots/ for the README), confirms a flag in Weekly review, reloads and sees the
decision kept, downloads a CSV and checks it. Nothing may reach beyond the local server.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from tests.conftest import build_known_db

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
PAGES = ("Overview", "Teams", "Channels", "Weekly review", "Mentions", "Policy")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is not installed"),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def streamlit_server(db_path: Path, log_path: Path, **env: str):
    """``streamlit run app.py`` on a free loopback port; yields its URL once healthy."""
    port = _free_port()
    env = {**os.environ, "SENTINELLA_DB": str(db_path), **env}
    command = [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
        "--server.headless", "true", "--server.address", "127.0.0.1",
        "--server.port", str(port), "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    with open(log_path, "w") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"streamlit exited:\n{log_path.read_text()}")
            try:
                if requests.get(f"{url}/_stcore/health", timeout=1).text == "ok":
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit did not answer:\n{log_path.read_text()}")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
        ARTIFACTS.mkdir(exist_ok=True)
        shutil.copy(log_path, ARTIFACTS / log_path.name)


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The dashboard on the known dataset, in English; yields (url, data)."""
    folder = tmp_path_factory.mktemp("browser")
    data = build_known_db(folder / "known.duckdb")
    with streamlit_server(data.path, folder / "streamlit.log", SENTINELLA_LANG="en") as url:
        yield url, data


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
        ],
    }  # fmt: skip


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "accept_downloads": True,
        "viewport": {"width": 1440, "height": 1000},
    }


class Guard(list):
    """Problems seen by the page.

    Not problems: a download's request (Chromium reports it as aborted), and the browser
    cancelling a download button's file fetch when the test navigates away (ERR_ABORTED on
    Streamlit's /media/ endpoint).
    """

    def __init__(self) -> None:
        super().__init__()
        self.downloads: set[str] = set()

    def failed(self, request) -> None:
        cancelled = "/media/" in request.url and "ERR_ABORTED" in (request.failure or "")
        if request.url not in self.downloads and not cancelled:
            self.append(f"failed: {request.url} {request.failure}")


def guard(page, url: str) -> Guard:
    """Collect console errors, page errors, failed or >= 400 responses, foreign requests."""
    problems = Guard()
    host = urlsplit(url).netloc
    page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("download", lambda d: problems.downloads.add(d.url))
    page.on("requestfailed", problems.failed)
    page.on(
        "response",
        lambda r: r.status >= 400 and problems.append(f"HTTP {r.status}: {r.url}"),
    )
    page.on(
        "request",
        lambda r: (
            urlsplit(r.url).netloc not in (host, "")
            and not r.url.startswith(("data:", "blob:"))
            and problems.append(f"foreign request: {r.url}")
        ),
    )
    return problems


@pytest.fixture
def app(page, server):
    """The page at the dashboard's root, with the guard."""
    url, _ = server
    problems = guard(page, url)
    page.goto(url)
    wait_idle(page)
    yield page
    assert list(problems) == [], "\n".join(problems)


ARM = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  window.__runs = 0;
  window.__armedAt = Date.now();
  if (window.__observer) window.__observer.disconnect();
  window.__observer = new MutationObserver(() => {
    if (app.getAttribute('data-test-script-state') === 'running') window.__runs += 1;
  });
  window.__observer.observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""
IDLE = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-connection-state') !== 'CONNECTED') return false;
  const ran = (window.__runs || 0) > 0 || Date.now() - (window.__armedAt || 0) > 500;
  return ran && app.getAttribute('data-test-script-state') === 'notRunning'
    && !document.querySelector('[data-stale="true"], [data-testid="stSkeleton"]');
}"""


def wait_idle(page, timeout: float = 60_000) -> None:
    page.wait_for_function(IDLE, timeout=timeout)


def act(page, action) -> None:
    """Do something that reruns the script, then wait for that rerun to finish."""
    page.evaluate(ARM)
    action()
    wait_idle(page)


def open_page(page, title: str) -> None:
    link = page.get_by_test_id("stSidebarNavLink").filter(has_text=title)
    act(page, link.click)
    from playwright.sync_api import expect

    expect(page.get_by_test_id("stHeading").first).to_contain_text(title)
    assert page.get_by_test_id("stException").count() == 0


def test_every_page_renders(app):
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(exist_ok=True)
    expect(page_heading(app)).to_contain_text("Overview")
    expect(app.get_by_test_id("stPlotlyChart").first.locator(".main-svg").first).to_be_visible()
    app.screenshot(path=ARTIFACTS / "overview.png", full_page=True)
    for title in PAGES[1:]:
        open_page(app, title)
        app.screenshot(path=ARTIFACTS / f"{title.lower().replace(' ', '_')}.png", full_page=True)


def page_heading(page):
    return page.get_by_test_id("stHeading").first


def test_confirm_a_flag_and_see_it_after_reload(app, server):
    from playwright.sync_api import expect

    open_page(app, "Weekly review")
    expect(app.get_by_text("1 of 3 reviewed")).to_be_visible()
    note = app.get_by_label("Note (optional)")
    note.fill("Confirmed in the browser")
    act(app, lambda: app.get_by_role("button", name="Confirm violation").click())
    expect(app.get_by_test_id("stAlertContentSuccess")).to_contain_text(
        "Decision stored: confirmed."
    )
    expect(app.get_by_text("2 of 3 reviewed")).to_be_visible()

    # A new page load (a new session) from the root: deep links to /weekly_review request
    # /weekly_review/_stcore/... and 404 (BROWSER-TESTING.md).
    app.goto(server[0])
    wait_idle(app)
    open_page(app, "Weekly review")
    expect(app.get_by_text("2 of 3 reviewed")).to_be_visible()


def test_download_mentions_csv(app, server):
    open_page(app, "Mentions")
    with app.expect_download() as info:
        app.get_by_test_id("stDownloadButton").first.locator("button").click()
    download = info.value
    assert download.suggested_filename == "mentions.csv"
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert len(rows) == 7
    by_author = {r["author"]: r for r in rows}
    assert by_author["troll"]["text"].startswith("'=HYPERLINK(")  # neutralized for Excel
    assert by_author["cliente_arrabbiato"]["text"] == "La bolletta è sbagliata, vergogna!"


def test_first_run_builds_the_demo(page, tmp_path):
    """An empty database: the app builds and scores the demo data itself, says it is demo
    data, and shows living pages. Its Overview is the README's screenshot."""
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(exist_ok=True)
    empty = tmp_path / "empty.duckdb"
    log = tmp_path / "streamlit-first-run.log"
    with streamlit_server(empty, log, SENTINELLA_LANG="en", SENTINELLA_DEMO_MENTIONS="3000") as url:
        problems = guard(page, url)
        page.goto(url)
        wait_idle(page, timeout=240_000)
        expect(page.get_by_text("Dati dimostrativi / Demo data")).to_be_visible()
        expect(page_heading(page)).to_contain_text("Overview")
        expect(
            page.get_by_test_id("stPlotlyChart").first.locator(".main-svg").first
        ).to_be_visible()
        assert page.get_by_test_id("stException").count() == 0
        page.screenshot(path=ARTIFACTS / "demo_overview.png", full_page=False)
        shutil.copy(ARTIFACTS / "demo_overview.png", ROOT / "docs" / "screenshots" / "overview.png")
        for title in PAGES[1:]:
            open_page(page, title)
            name = f"demo_{title.lower().replace(' ', '_')}.png"
            page.screenshot(path=ARTIFACTS / name, full_page=True)
        assert list(problems) == [], "\n".join(problems)


HOSTILE = "<img src=x onerror=alert(1)> [click](http://evil.example) **grassetto** riservato"


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    """The known dataset plus a flagged staff post and a mention written to attack the page."""
    from monitoring import db, store
    from tests.conftest import POLICY_VERSION

    folder = tmp_path_factory.mktemp("hostile")
    data = build_known_db(folder / "hostile.duckdb")
    at = data.anchor + timedelta(hours=10)
    records = [
        {"platform": "x", "native_id": "evil-staff", "author_handle": "giulia_lumina",
         "author_name": "<b>Giulia</b>", "text": HOSTILE, "created_at": at,
         "url": "javascript:alert(1)"},
        {"platform": "x", "native_id": "evil-mention", "author_handle": "attacker",
         "author_name": "<script>alert(2)</script>", "text": HOSTILE, "created_at": at,
         "url": "javascript:alert(3)"},
    ]  # fmt: skip

    def load(conn):
        store.insert_items(conn, store.items_table(records), "test")
        rows = conn.execute(
            "SELECT item_id, native_id FROM items WHERE native_id LIKE 'evil-%'"
        ).fetchall()
        for item_id, native in rows:
            staff = native == "evil-staff"
            conn.execute(
                "INSERT INTO scores VALUES (?, ?, 'it', -0.5, 'negative', [], ?, ?, '{}', now())",
                [item_id, POLICY_VERSION, 99 if staff else 30, staff],
            )
            if staff:
                conn.execute(
                    "INSERT INTO hits VALUES (?, ?, 'confidential.marker', 'confidential', "
                    "'high', 2, 'riservato')",
                    [item_id, POLICY_VERSION],
                )
                conn.execute(
                    "INSERT INTO flags VALUES (?, 'x', ?, ?, 99, ?, TRUE, now())",
                    [item_id, native, data.week, POLICY_VERSION],
                )

    db.write(data.path, load)
    with streamlit_server(data.path, folder / "streamlit-hostile.log", SENTINELLA_LANG="en") as url:
        yield url


def test_hostile_post_text_shows_as_literal_text(page, hostile_server):
    from playwright.sync_api import expect

    problems = guard(page, hostile_server)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(hostile_server)
    wait_idle(page)
    open_page(page, "Weekly review")
    # The riskiest pending post is the hostile one; its text is shown verbatim (evidence marked).
    expect(page.get_by_test_id("stCode").first).to_contain_text(
        "<img src=x onerror=alert(1)> [click](http://evil.example) **grassetto** [[riservato]]"
    )
    for title in ("Weekly review", "Mentions", "Teams", "Overview"):
        open_page(page, title)
        assert page.locator('img[src="x"]').count() == 0
        assert page.locator('a[href*="evil.example"], a[href^="javascript:"]').count() == 0
        assert page.locator("strong", has_text="grassetto").count() == 0
        assert page.locator("b", has_text="Giulia").count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "hostile_text.png", full_page=True)
    assert dialogs == []
    assert list(problems) == [], "\n".join(problems)
