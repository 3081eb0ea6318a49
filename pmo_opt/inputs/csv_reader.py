"""Reading a folder of ``<table>.csv`` files: encodings, separators, quotes and odd characters."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from pmo_opt.errors import Problem
from pmo_opt.inputs import tables as table_spec
from pmo_opt.inputs.tables import MAX_READ_PROBLEMS, TABLES, RawTable, frame, table_key, unusable


def _decode(raw: bytes) -> str:
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            pass
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")  # cannot fail; a few undefined cp1252 bytes come out as is


def _separator(lines: list[str]) -> str:
    """The separator that splits the header into most cells (ties go to ``,``)."""
    best, most = ",", 1
    for line in lines[:1]:
        for sep in (",", ";", "\t"):
            try:
                n = len(next(csv.reader([line], delimiter=sep)))
            except (csv.Error, StopIteration):
                continue
            if n > most:
                best, most = sep, n
    return best


def _unclosed_quote(text: str, records: list[tuple[int, list[str]]]) -> tuple[int, int] | None:
    """``(row, cell index)`` of a quote that is never closed, or ``None``.

    An unclosed quote makes the CSV reader read the rest of the file into one cell, so the file
    holds an odd number of quote characters and its last record has a cell with line breaks.
    """
    if text.count('"') % 2 == 0 or not records:
        return None
    row, cells = records[-1]
    for i, cell in enumerate(cells):
        if "\n" in cell or "\r" in cell:
            return row, i
    return None


def _decode_mixed(raw: bytes) -> tuple[str, list[tuple[int, str, str]]] | None:
    """A UTF-8 file with a few Windows-1252 lines (one pasted word is enough), or ``None``.

    Decoding the whole file as cp1252 would turn every accent of the UTF-8 lines into mojibake
    (``é`` -> ``Ã©``). So when the file is mostly valid UTF-8, each line is decoded on its own
    and the lines that are not UTF-8 are returned as ``(line index, text before the odd byte,
    that byte's character)``, for a warning.
    """
    try:
        raw.decode("utf-8-sig")
        return None
    except UnicodeDecodeError:
        pass
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    if not re.search(rb"[\xc2-\xf4][\x80-\xbf]", raw):
        return None  # no UTF-8 sequence at all: a plain Windows-1252 file
    parts: list[str] = []
    odd: list[tuple[int, str, str]] = []
    for i, line in enumerate(raw.splitlines(keepends=True)):
        try:
            parts.append(line.decode("utf-8-sig" if i == 0 else "utf-8"))
        except UnicodeDecodeError as exc:
            text = line.decode("cp1252", errors="replace")
            parts.append(text)
            before = line[: exc.start].decode("utf-8", errors="replace")
            odd.append((i, before, text[len(before) : len(before) + 1]))
    return "".join(parts), odd


def read_csv_table(path: Path, name: str) -> RawTable:
    """One CSV file as a :class:`RawTable`: encoding and separator detected, problems kept."""
    label = path.name
    raw = path.read_bytes()
    if not raw or raw.isspace():  # not raw.strip(): no copy of a large file
        header = ",".join(TABLES.get(name, ((), ()))[0])
        return unusable(
            name,
            label,
            f"the file is empty ({len(raw)} bytes); write at least the header row "
            f"({header}), or delete the file",
        )
    mixed = _decode_mixed(raw)
    text, odd = mixed if mixed is not None else (_decode(raw), [])
    lines = text[: 1 << 16].splitlines()  # the first lines say the separator; not a copy of all
    del raw
    # Excel's 'sep=;' first line names the separator; Excel does not show it as a row
    hint = re.fullmatch(r"\s*sep=([,;\t|])\s*", lines[0]) if lines else None
    if hint:
        text = text.split("\n", 1)[1] if "\n" in text else ""
    sep = hint.group(1) if hint else _separator([ln for ln in lines if ln.strip()])
    # long cells are read, then reported with their row and column (see frame)
    csv.field_size_limit(max(csv.field_size_limit(), 64 * 1024 * 1024))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    try:
        records = [(i + 1, row) for i, row in enumerate(reader)]
    except csv.Error as exc:
        return unusable(
            name,
            label,
            f"cannot be read as CSV at line {reader.line_num} ({exc}); save it again as CSV",
        )
    quote = _unclosed_quote(text, records)
    if quote is not None:
        row, i = quote
        header = records[0][1] if records else []
        column = table_key(header[i]) if i < len(header) else f"column {i + 1}"
        table = unusable(name, label, "")
        table.problems = [
            Problem(
                label,
                row,
                column,
                'a quote (") opened in this cell is never closed, so the rest of the file '
                "was read into this one cell; close the quote, or remove it",
            )
        ]
        return table
    table = frame(name, label, records, decimal_comma=sep == ";")
    header = [table_key(h) for h in records[0][1]] if records else []
    for line, before, char in odd[:MAX_READ_PROBLEMS]:
        row = line + 1 - (1 if hint else 0)
        try:
            j = len(next(csv.reader([before], delimiter=sep))) - 1 if before else 0
        except (csv.Error, StopIteration):
            j = 0
        column = header[j] if j < len(header) and header[j] else f"column {j + 1}"
        table.problems.append(
            Problem(
                label,
                row,
                column,
                f"this line is not UTF-8 like the rest of the file (read as Windows-1252: "
                f"{char!r}); probable mojibake from a pasted value: check the text and save "
                "the file as UTF-8",
                "warning",
            )
        )
    return table


def read_folder(folder: Path, progress: Callable[[str], None] | None = None) -> dict[str, RawTable]:
    tables: dict[str, RawTable] = {}
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".csv")
    # exact names first, so that 'projects.csv' wins over 'Projects.csv'
    files.sort(key=lambda p: (p.stem != table_key(p.stem), p.name))
    for f in files:
        name = table_key(f.stem)
        if name in tables:
            tables[name].problems.append(
                Problem(
                    tables[name].file,
                    None,
                    None,
                    f"both {tables[name].file} and {f.name} hold table {name!r}; "
                    f"{f.name} is ignored, delete one of them",
                    "warning",
                )
            )
        elif name in TABLES:
            size = f.stat().st_size
            if progress is not None and size >= table_spec.PROGRESS_BYTES:
                progress(f"reading {f.name} ({size / 1e6:,.0f} MB)")
            tables[name] = read_csv_table(f, name)
        else:
            tables[name] = RawTable(name, f.name, pd.DataFrame(), usable=False)
    return tables
