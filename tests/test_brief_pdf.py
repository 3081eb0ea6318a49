"""The board brief as a PDF: written by headless Chromium when there is one, and the page says
so when there is none; print styles keep the charts and 10 pt text."""

from __future__ import annotations

import re

import nbformat
import pytest

from pmo_opt.present import html as pages
from pmo_opt.present.html import STYLE, export_html
from pmo_opt.present.pdf import find_chromium


def brief_notebook(tmp_path, paragraphs=3):
    book = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("brief")
    text = "\n\n".join(f"Paragraph {k} of the brief." for k in range(paragraphs))
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={"text/markdown": "# Brief\n\n" + text})
    ]
    book.cells = [cell]
    path = tmp_path / "06-board-summary.ipynb"
    nbformat.write(book, str(path))
    return path


def test_print_styles_keep_charts_and_ten_point_text():
    brief = [line for line in STYLE.splitlines() if ".pmo-brief" in line]
    assert not any("img" in line and "display:none" in line for line in brief)  # charts kept
    sizes = [float(s) for s in re.findall(r"font-size:([\d.]+)pt", " ".join(brief))]
    body = re.search(r"\.pmo-brief \.jp-RenderedHTMLCommon\{font-size:([\d.]+)pt", STYLE)
    assert float(body.group(1)) >= 10 and min(sizes) >= 9


def test_without_chromium_the_page_says_so(tmp_path, monkeypatch):
    monkeypatch.setattr(
        "pmo_opt.present.pdf.write_pdf", lambda html, pdf: "headless Chromium is not installed"
    )
    page = export_html(brief_notebook(tmp_path)).read_text()
    assert "No PDF of this brief: headless Chromium is not installed" in page
    assert "PDF of this brief</a>" not in page
    assert not (tmp_path / "06-board-summary.pdf").exists()
    assert "<script" not in page


def test_other_pages_have_no_pdf(tmp_path):
    path = brief_notebook(tmp_path).rename(tmp_path / "03-select-portfolio.ipynb")
    assert pages._PDF_MARK not in export_html(path).read_text()


@pytest.mark.browser
def test_the_brief_prints_to_a_pdf_of_at_most_two_pages(tmp_path):
    if find_chromium() is None:
        pytest.skip("no Chromium here (apt-get install chromium)")
    page = export_html(brief_notebook(tmp_path, paragraphs=40)).read_text()
    pdf = tmp_path / "06-board-summary.pdf"
    assert pdf.exists() and 'href="06-board-summary.pdf"' in page
    count = len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))
    assert 1 <= count <= 2


def test_write_pdf_names_what_is_missing(tmp_path):
    from pmo_opt.present.pdf import write_pdf

    page = tmp_path / "p.html"
    page.write_text("<html><body>brief</body></html>")
    reason = write_pdf(page, tmp_path / "p.pdf")
    if find_chromium() is None and reason is not None:
        assert "Chromium" in reason
    else:
        assert reason is None and (tmp_path / "p.pdf").read_bytes()[:4] == b"%PDF"
