"""A real browser opens the report offline: it renders, logs no error, requests nothing.

Uses Debian's headless Chromium (``make test`` installs it when missing). Chromium writes its
console to stderr (``--enable-logging=stderr``) and every request to a net log; the pages have
no script of their own, so any console line is a failure, and so is any page request with an
http(s) URL. Chromium's own background traffic (update/account checks to Google hosts, which
this machine refuses anyway) is not the page's and is ignored.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from matplotlib import image as mpimg

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("report")]

CHROMIUM = (os.environ.get("KBWORKBOOK_CHROMIUM") or shutil.which("chromium")
            or shutil.which("chromium-browser"))
BROWSER_OWN_HOSTS = ("google.com", "googleapis.com", "gvt1.com", "gstatic.com")
PAGE_RESOURCE_ANNOTATION = 101845102  # net-log traffic annotation of Blink resource loads


def _open(page: Path, work: Path) -> tuple[np.ndarray, list[str], set[str]]:
    assert CHROMIUM, "chromium is missing: run 'make test' as root or apt-get install chromium"
    shot, netlog = work / f"{page.stem}.png", work / f"{page.stem}.net.json"
    proc = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--disable-extensions", f"--user-data-dir={work / 'profile'}",
         "--enable-logging=stderr", "--v=0", f"--log-net-log={netlog}",
         "--host-resolver-rules=MAP * ~NOTFOUND", "--window-size=1200,1600",
         f"--screenshot={shot}", page.as_uri()],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    console = [line for line in proc.stderr.splitlines() if ":CONSOLE" in line]
    events = json.loads(netlog.read_text(encoding="utf-8"))["events"]
    urls = set()
    for event in events:
        params = event.get("params") or {}
        url = str(params.get("url", ""))
        if not url.startswith(("http:", "https:", "ws:", "wss:")):
            continue
        from_page = params.get("traffic_annotation") == PAGE_RESOURCE_ANNOTATION
        if from_page or not any(host in url.split("/")[2] for host in BROWSER_OWN_HOSTS):
            urls.add(url)
    return mpimg.imread(shot), console, urls


def test_report_pages_render_offline_without_errors(sample_report, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pages = sorted(sample_report.out_dir.glob("*.html"))
    assert len(pages) == 8
    for page in pages:
        pixels, console, requests = _open(page, tmp_path)
        assert not console, (page.name, console[:3])
        assert not requests, (page.name, sorted(requests)[:3])
        rgb = pixels[..., :3].reshape(-1, 3)
        assert rgb.std() > 0.05, f"{page.name}: screenshot is blank"
        assert (rgb < 0.5).all(axis=1).mean() > 0.002, f"{page.name}: no dark text pixels"


def test_the_probe_catches_errors_and_requests(tmp_path: Path) -> None:
    """The checks above can fail: a page with an error and a CDN script is caught."""
    bad = tmp_path / "bad.html"
    bad.write_text('<html><body><h1>x</h1><script>console.error("kaputt")</script>'
                   '<script src="https://cdn.example.org/lib.js"></script></body></html>',
                   encoding="utf-8")
    _, console, requests = _open(bad, tmp_path)
    assert any("kaputt" in line for line in console)
    assert any("cdn.example.org" in url for url in requests)


A4_CONTENT_PX = 688  # 210 mm − 2 × 1.4 cm margins at 96 px per inch
_OVERFLOW = """(limit) => {
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.right > limit + 1) {
      out.push(`${el.tagName.toLowerCase()}.${el.className} right=${Math.round(box.right)}`);
    }
  }
  return out;
}"""


def test_every_page_fits_the_a4_width_when_printed(sample_report) -> None:  # type: ignore[no-untyped-def]
    """Chromium with print media at the width of an A4 page's text area: nothing sticks out
    (a table running off the page is cut when the owner prints from the browser)."""
    from playwright.sync_api import sync_playwright

    assert CHROMIUM, "chromium is missing: run 'make test' as root or apt-get install chromium"
    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run", "--disable-sync"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args, headless=True)
        try:
            page = browser.new_page(viewport={"width": A4_CONTENT_PX, "height": 1100})
            page.emulate_media(media="print")
            for html_page in sorted(sample_report.out_dir.glob("*.html")):
                page.goto(html_page.as_uri())
                wide = page.evaluate(_OVERFLOW, A4_CONTENT_PX)
                assert not wide, (html_page.name, wide[:5])
        finally:
            browser.close()


def test_the_browsers_print_uses_the_same_stylesheet(sample_report, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """"Drucken" in the browser: the report's print stylesheet gives A4 sheets, each numbered
    "n / total" at the foot (the same @page rules the report PDF starts from)."""
    import re

    from playwright.sync_api import sync_playwright

    assert CHROMIUM, "chromium is missing: run 'make test' as root or apt-get install chromium"
    printed = tmp_path / "printed.pdf"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            page.goto(sample_report.chapters[3].html_path.as_uri())
            page.pdf(path=str(printed), prefer_css_page_size=True)
        finally:
            browser.close()
    info = subprocess.run(["pdfinfo", "-l", "999", str(printed)], capture_output=True,
                          text=True, check=True).stdout
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert len(sizes) > 2
    assert all(abs(float(w) - 595.3) < 2 and abs(float(h) - 841.9) < 2 for w, h in sizes)
    text = subprocess.run(["pdftotext", "-raw", str(printed), "-"], capture_output=True,
                          text=True, check=True).stdout
    pages = text.split("\f")[:-1]
    for number, content in enumerate(pages, start=1):
        assert re.search(rf"\b{number}\s*/\s*{len(pages)}\b", content), number
