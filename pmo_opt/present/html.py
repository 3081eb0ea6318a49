"""The reviewers' HTML: self-contained pages with a content security policy, a context line,
links between the pages, print styles, and an ``index.html`` for the report folder.

nbconvert's page loads require.js and MathJax from a CDN and carries inline scripts; a report
page needs none of them (charts are PNG images, tables are HTML, widgets are not exported), so
:func:`harden` removes every ``<script>`` and adds a ``Content-Security-Policy`` that allows no
script at all (inline handlers such as ``onerror=`` included), no remote load and no form, but
inline styles and ``data:`` images, which the page is made of. A reviewer offline or on a
locked-down network gets the whole page, and data text that slipped through as markup could not
run.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pmo_opt.text import escape_html

INDEX_FILE = "index.html"
#: no script, no remote anything; inline styles and embedded images only
CSP = (
    "default-src 'none'; script-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "font-src data:; connect-src 'none'; form-action 'none'; base-uri 'none'"
)
_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script\s*>", re.IGNORECASE | re.DOTALL)
_REMOTE_LINK = re.compile(r"<link\b[^>]*\bhref=[\"']?(?:https?:)?//[^>]*>", re.IGNORECASE)
_HEAD = re.compile(r"<head\b[^>]*>", re.IGNORECASE)
_BODY = re.compile(r"<body\b[^>]*>", re.IGNORECASE)
#: the page's own styles: a context bar, the page links, and print rules for the brief
STYLE = """
.pmo-context{font:13px/1.4 system-ui,sans-serif;color:#333;border-bottom:1px solid #ccc;
  padding:6px 16px;background:#f5f7fa}
.pmo-context b{color:#000}
.pmo-nav{font:13px/1.4 system-ui,sans-serif;padding:4px 16px 8px}
.pmo-nav a{margin-right:14px}
.pmo-nav a[aria-current]{font-weight:bold;color:#000;text-decoration:none}
.pmo-pdf{font:13px/1.4 system-ui,sans-serif;padding:0 16px 8px}
@media print{
  .pmo-nav,.pmo-pdf{display:none}
  body{font-size:10pt}
  .pmo-context{font-size:9pt;padding:2px 0}
  .jp-Cell,.jp-OutputArea,.jp-OutputArea-child,.jp-OutputArea-output,.jp-RenderedMarkdown{
    break-inside:auto!important;page-break-inside:auto!important}
  img{max-width:100%!important;max-height:10cm;break-inside:avoid;page-break-inside:avoid}
  tr{break-inside:avoid;page-break-inside:avoid}
  h1,h2{break-after:avoid;page-break-after:avoid}
  @page{size:A4;margin:7mm 9mm}
  /* the board brief: the decision record, words, tables and charts on at most two pages;
     body text at 10 pt, tables at 9 pt, charts kept but kept short */
  .pmo-brief .jp-RenderedHTMLCommon{font-size:10pt!important;line-height:1.15!important}
  .pmo-brief .jp-RenderedHTMLCommon h1{font-size:14pt!important;margin:0 0 3px!important}
  .pmo-brief .jp-RenderedHTMLCommon h2{font-size:11pt!important;margin:3px 0 0!important}
  .pmo-brief .jp-RenderedHTMLCommon p,.pmo-brief .jp-RenderedHTMLCommon ul{
    margin:1px 0!important}
  .pmo-brief .jp-RenderedHTMLCommon li{margin:0!important}
  .pmo-brief .jp-RenderedHTMLCommon table{font-size:9pt!important;margin:1px 0!important}
  .pmo-brief .jp-RenderedHTMLCommon td,.pmo-brief .jp-RenderedHTMLCommon th{
    padding:0 3px!important;line-height:1.2!important}
  /* numbers and a row's name on one line: the words columns take the wrap */
  .pmo-brief td[style*="right"],.pmo-brief td:first-child{white-space:nowrap}
  .pmo-brief .jp-Cell{padding:0!important}
  .pmo-brief .jp-OutputArea-output{padding:0!important}
  /* the brief's charts side by side, three to a row, after all of its words: a grid whose
     text cells span the row and come first, so that the words flow over the page break and
     only the chart row (kept whole) needs room at the end */
  .pmo-brief main{display:grid!important;grid-template-columns:repeat(3,minmax(0,1fr));
    column-gap:6px}
  .pmo-brief main>*{grid-column:1/-1;min-width:0}
  .pmo-brief main>.jp-Cell:has(.jp-RenderedImage){grid-column:auto;order:1}
  .pmo-brief img{max-height:4.2cm!important;width:100%!important;height:auto!important;
    object-fit:contain}
  .pmo-brief .pmo-context{display:none}
  .pmo-brief .pmo-print-context{display:block}
}
.pmo-print-context{display:none;font-size:10pt;color:#333}
"""


@dataclass(frozen=True)
class PageContext:
    """What every page of one report states at its top.

    Attributes
    ----------
    organisation : from the portfolio's settings ("" when not given).
    scenario, description : the scenario's name and description.
    run_date : the day the report was run (``YYYY-MM-DD``, UTC).
    fingerprint : a short hash of the input files (the manifest has them in full).
    currency : the currency of every amount ("" when the settings name none).
    """

    organisation: str
    scenario: str
    description: str
    run_date: str
    fingerprint: str
    currency: str = ""

    def html(self) -> str:
        """The context bar, every piece of data text escaped."""
        parts = []
        if self.organisation:
            parts.append(f"<b>{escape_html(self.organisation)}</b>")
        scenario = f"Scenario <b>{escape_html(self.scenario)}</b>"
        if self.description:
            scenario += f": {escape_html(self.description)}"
        parts.append(scenario)
        parts.append(f"Run {escape_html(self.run_date)}")
        if self.currency:
            parts.append(f"Money in {escape_html(self.currency)}")
        parts.append(f"Data {escape_html(self.fingerprint)}")
        return '<div class="pmo-context">' + " &middot; ".join(parts) + "</div>"

    def short_html(self) -> str:
        """The context in one short line (no description), for the printed brief."""
        parts = [escape_html(p) for p in (self.organisation, self.scenario) if p]
        parts += [f"Run {escape_html(self.run_date)}", f"Data {escape_html(self.fingerprint)}"]
        if self.currency:
            parts.append(f"Money in {escape_html(self.currency)}")
        return " &middot; ".join(parts)


def page_title(file_name: str) -> str:
    """``03-select-portfolio.html`` -> ``Select portfolio``."""
    stem = Path(file_name).stem
    words = re.sub(r"^\d+-", "", stem).replace("-", " ").strip()
    return words[:1].upper() + words[1:] if words else stem


def _nav(pages: Sequence[str], current: str | None) -> str:
    links = [f'<a href="{escape_html(INDEX_FILE)}">Contents</a>']
    for page in pages:
        mark = ' aria-current="page"' if page == current else ""
        links.append(f'<a href="{escape_html(page)}"{mark}>{escape_html(page_title(page))}</a>')
    return '<nav class="pmo-nav">' + "".join(links) + "</nav>"


def harden(
    body: str,
    context: PageContext | None = None,
    pages: Sequence[str] = (),
    current: str | None = None,
) -> str:
    """An nbconvert page made self-contained and safe, with the report's context and links.

    Parameters
    ----------
    body
        The HTML nbconvert wrote.
    context
        The line every page carries (organisation, scenario, run date, data fingerprint).
    pages
        The report's page file names, linked from each page; ``current`` is this page.

    Returns
    -------
    str
        The page without any ``<script>`` or remote stylesheet, with a CSP ``<meta>`` first in
        ``<head>``, the page styles, and the context bar and page links first in ``<body>``.
    """
    text = _SCRIPT.sub("", body)
    text = _REMOTE_LINK.sub("", text)
    meta = (
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        f'<meta name="referrer" content="no-referrer"><style>{STYLE}</style>'
    )
    head = _HEAD.search(text)
    text = text[: head.end()] + meta + text[head.end() :] if head else f"<head>{meta}</head>" + text
    top = (context.html() if context is not None else "") + (_nav(pages, current) if pages else "")
    brief = current is not None and "board" in current
    if brief and context is not None:  # in print, the context without the long description
        top += f'<div class="pmo-print-context">{context.short_html()}</div>'
    found = _BODY.search(text)
    if found and top:
        body = found.group(0)
        if brief:
            body = (
                body.replace('class="', 'class="pmo-brief ', 1)
                if 'class="' in body
                else body[:-1] + ' class="pmo-brief">'
            )
        text = text[: found.start()] + body + top + text[found.end() :]
    return text


def html_exporter():
    """nbconvert's exporter for reviewers: no code, no prompts, images embedded."""
    from nbconvert import HTMLExporter

    return HTMLExporter(
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )


#: nbconvert's alt text for an image whose output carries none
NBCONVERT_DEFAULT_ALT = "No description has been provided for this image"
_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_IMG_DATA = re.compile(r'src="data:image/png;base64,([^"]{1,200})')
_ALT = re.compile(r'\salt="[^"]*"', re.IGNORECASE)
#: characters of an image's base64 that identify it among a page's images
_KEY_CHARS = 200


def image_alts(notebook: Path) -> dict[str, str]:
    """The alternative text of each PNG output of a notebook, keyed by the first characters of
    its base64 data: the output's ``image/png`` ``alt`` metadata (what
    :class:`~pmo_opt.present.charts.style.ChartFigure` writes), else its plain-text output when
    that is more than matplotlib's ``<Figure size ...>``."""
    import nbformat

    alts: dict[str, str] = {}
    book = nbformat.read(str(notebook), as_version=4)
    for cell in book.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            png = data.get("image/png")
            if not png:
                continue
            meta = output.get("metadata", {}).get("image/png", {})
            text = meta.get("alt") if isinstance(meta, dict) else None
            plain = data.get("text/plain", "")
            plain = "".join(plain) if isinstance(plain, list) else str(plain)
            if not text and plain and not plain.startswith("<Figure"):
                text = plain
            if text:
                key = "".join(str(png).split())[:_KEY_CHARS]
                alts[key] = " ".join(str(text).split())
    return alts


def set_image_alts(body: str, alts: dict[str, str]) -> str:
    """Every ``<img>`` of embedded PNG data gets its alternative text from ``alts`` (by its
    data, :func:`image_alts`) in place of nbconvert's placeholder; an image not found keeps an
    honest short text rather than the placeholder."""

    def one(match: re.Match) -> str:
        tag = match.group(0)
        data = _IMG_DATA.search(tag)
        key = "".join(data.group(1).split())[:_KEY_CHARS] if data else None
        alt = alts.get(key) if key else None
        if alt is None and NBCONVERT_DEFAULT_ALT not in tag:
            return tag  # an image with its own alt text (e.g. from Markdown)
        alt = alt or "A chart of this page (no description was recorded with it)"
        tag = _ALT.sub("", tag)
        return tag[:4] + f' alt="{escape_html(alt)}"' + tag[4:]

    return _IMG.sub(one, body)


def export_html(
    notebook: Path,
    target: Path | None = None,
    exporter=None,
    context: PageContext | None = None,
    pages: Sequence[str] = (),
) -> Path:
    """Write the reviewers' HTML of an executed notebook (:func:`harden`-ed): no code, no
    prompts, images inline with the alternative text their charts wrote (:func:`image_alts`),
    no script; the context bar and page links when given."""
    target = target or notebook.with_suffix(".html")
    body, _ = (exporter or html_exporter()).from_filename(str(notebook))
    body = set_image_alts(body, image_alts(notebook))
    page = harden(body, context, pages, target.name)
    brief = "board" in target.name
    if brief:
        page = _pdf_line(page, f'<a href="{escape_html(target.stem)}.pdf">PDF of this brief</a>')
    target.write_text(page, encoding="utf-8")
    if brief:
        write_brief_pdf(target, page)
    return target


def write_brief_pdf(target: Path, page: str) -> Path | None:
    """The brief's PDF beside its page (:func:`pmo_opt.present.pdf.write_pdf`); when it cannot be
    made the page says so and why, in place of the link to it."""
    from pmo_opt.present.pdf import write_pdf

    pdf = target.with_suffix(".pdf")
    reason = write_pdf(target, pdf)
    if reason is None:
        return pdf
    note = f"No PDF of this brief: {escape_html(reason)}. Print this page instead."
    start = page.index(_PDF_MARK)
    end = page.index("</div>", start) + len("</div>")
    target.write_text(page[:start] + _pdf_block(note) + page[end:], encoding="utf-8")
    return None


_PDF_MARK = '<div class="pmo-pdf">'


def _pdf_block(inner: str) -> str:
    return f"{_PDF_MARK}{inner}</div>"


def _pdf_line(page: str, inner: str) -> str:
    """The PDF line after the page's context bar and links (first thing in ``<body>``)."""
    found = _BODY.search(page)
    if not found:
        return page
    nav = page.find("</nav>", found.end())
    at = nav + len("</nav>") if nav != -1 else found.end()
    return page[:at] + _pdf_block(inner) + page[at:]


def write_index(
    folder: Path,
    pages: Sequence[str],
    files: Mapping[str, str],
    context: PageContext | None = None,
    facts: Sequence[tuple[str, str]] = (),
) -> Path:
    """Write ``index.html``: the context, a few facts, and links to the pages and files.

    Parameters
    ----------
    folder
        The report folder.
    pages
        The HTML pages, in reading order.
    files
        Other files to link, file name -> what it is (workbook, manifest).
    facts
        (label, text) pairs shown under the title (status, value, spend).
    """
    title = "Portfolio report"
    if context is not None and context.organisation:
        title = f"{context.organisation}: portfolio report"
    items = "".join(
        f'<li><a href="{escape_html(p)}">{escape_html(page_title(p))}</a></li>' for p in pages
    )
    others = "".join(
        f'<li><a href="{escape_html(name)}">{escape_html(name)}</a>: {escape_html(what)}</li>'
        for name, what in files.items()
    )
    listed = "".join(f"<dt>{escape_html(k)}</dt><dd>{escape_html(v)}</dd>" for k, v in facts if v)
    page = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        f"<title>{escape_html(title)}</title><style>{STYLE}"
        "body{font:15px/1.5 system-ui,sans-serif;margin:0}main{padding:8px 24px}"
        "dt{font-weight:bold;float:left;clear:left;width:11em}dd{margin-left:12em}</style>"
        "</head><body>"
        + (context.html() if context is not None else "")
        + f"<main><h1>{escape_html(title)}</h1>"
        + (f"<dl>{listed}</dl>" if listed else "")
        + f"<h2>Pages</h2><ol>{items}</ol>"
        + (f"<h2>Files</h2><ul>{others}</ul>" if others else "")
        + "</main></body></html>\n"
    )
    target = folder / INDEX_FILE
    target.write_text(page, encoding="utf-8")
    return target


__all__ = [
    "CSP",
    "INDEX_FILE",
    "PageContext",
    "export_html",
    "harden",
    "html_exporter",
    "page_title",
    "write_index",
]
