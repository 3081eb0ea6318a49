"""The board brief as a PDF (``06-board-summary.pdf``), printed by headless Chromium through
Playwright with the page's own print styles (A4, charts kept, body text at 10 pt).

Chromium is Debian's (``apt-get install chromium``), as the browser tests use it, or
Playwright's own (``playwright install chromium``). Without either, or when printing fails, no
PDF is written and :func:`write_pdf` says why, so that the page can say so.
"""

from __future__ import annotations

import shutil
from pathlib import Path

#: where Debian puts Chromium, then the names it may have on the PATH
CHROMIUM_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run"]
#: how long one page may take to load and print
TIMEOUT_MS = 60_000


def find_chromium() -> str | None:
    """The system Chromium's path, or ``None`` (Playwright's own browser is tried on launch)."""
    for path in CHROMIUM_PATHS:
        if Path(path).exists():
            return path
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


def write_pdf(html: Path, pdf: Path, timeout_ms: int = TIMEOUT_MS) -> str | None:
    """Print ``html`` to ``pdf`` (A4, print media, backgrounds) with headless Chromium.

    Parameters
    ----------
    html, pdf
        The page (self-contained: nothing is fetched) and the PDF to write.
    timeout_ms
        For loading and printing.

    Returns
    -------
    str or None
        ``None`` when the PDF was written, else why not, in words for the page.
    """
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        return "Playwright is not installed (pip install playwright)"
    executable = find_chromium()
    try:
        with sync_playwright() as pw:
            options = {"args": CHROMIUM_ARGS, "timeout": timeout_ms}
            if executable:
                options["executable_path"] = executable
            browser = pw.chromium.launch(**options)
            try:
                page = browser.new_page()
                page.goto(Path(html).resolve().as_uri(), timeout=timeout_ms)
                page.emulate_media(media="print")
                page.pdf(path=str(pdf), format="A4", print_background=True)
            finally:
                browser.close()
    except PlaywrightError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if "Executable doesn't exist" in str(exc) or "executable" in first.lower():
            return (
                "headless Chromium is not installed on the machine that ran the report "
                "(apt-get install chromium, or playwright install chromium)"
            )
        return f"Chromium could not print the page ({first[:200]})"
    return None if Path(pdf).exists() else "Chromium printed no file"
