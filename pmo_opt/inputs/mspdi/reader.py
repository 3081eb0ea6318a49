"""Reading an MSPDI file safely: defusedxml with DTDs refused (so no entity of any kind is
expanded), one clear line for each kind of file that is not an MS Project XML file, and the
small value parsers (ISO durations, dates with or without a time) the schedule needs."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml import ElementTree as SafeET

from pmo_opt.errors import InputError, Problem

#: the first bytes of an OLE compound file: a binary .mpp (and .mpt, old .xls)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: larger schedules than this are not one programme's plan; refuse before reading them
MAX_BYTES = 200_000_000
SAVE_AS_XML = (
    "in MS Project use File > Save As > 'XML Format (*.xml)' (ProjectLibre: File > Save As > "
    "'MS Project XML')"
)
_DURATION = re.compile(
    r"^(-)?P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$"
)
#: minutes per ISO unit; a duration's day is 24 hours (ISO 8601), not a working day
_MINUTES = (365 * 1440, 30 * 1440, 7 * 1440, 1440, 60, 1, 1 / 60)


class ScheduleFileError(InputError):
    """A file that cannot be imported at all; its message is one line naming the file."""

    def __init__(self, file: str, message: str):
        super().__init__([Problem(file, None, None, message)])
        self.file, self.text = file, message
        self.args = (f"{file}: {message}",)

    def __reduce__(self):
        return (type(self), (self.file, self.text))


def read_project_xml(path: Path) -> ET.Element:
    """The ``<Project>`` element of an MSPDI file, namespaces removed from every tag.

    Parameters
    ----------
    path
        An MS Project XML file (from MS Project, ProjectLibre, MPXJ, Aspose, ...).

    Returns
    -------
    xml.etree.ElementTree.Element
        The root, with tags as local names (``Task``, not ``{http://...}Task``).

    Raises
    ------
    ScheduleFileError
        A DTD or entity (refused before anything is expanded), a binary .mpp, an empty,
        truncated or non-XML file, XML that is not an MS Project file.
    """
    label = path.name
    if not path.is_file():
        raise ScheduleFileError(label, "no such file; check the path")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise ScheduleFileError(
            label, f"is {size:,} bytes (at most {MAX_BYTES:,}); split the schedule and import each"
        )
    data = path.read_bytes()
    if not data.strip():
        raise ScheduleFileError(label, f"is empty; save the schedule again ({SAVE_AS_XML})")
    if data.startswith(OLE_MAGIC):
        raise ScheduleFileError(
            label,
            "is a binary Microsoft Project file (.mpp), which pmo-opt does not read; "
            f"{SAVE_AS_XML}, or convert it with MPXJ (pip install mpxj, needs a Java runtime)",
        )
    if data.startswith(b"PK\x03\x04"):
        raise ScheduleFileError(
            label, f"is a zip file (a workbook?), not MS Project XML; {SAVE_AS_XML}"
        )
    root = _parse(label, data)
    for element in root.iter():
        if isinstance(element.tag, str) and "}" in element.tag:
            element.tag = element.tag.split("}", 1)[1]
    if root.tag != "Project":
        raise ScheduleFileError(
            label,
            f"is XML but not an MS Project XML file (its root element is <{root.tag}>, not "
            f"<Project>); {SAVE_AS_XML}",
        )
    return root


def _parse(label: str, data: bytes) -> ET.Element:
    refused = "refused, nothing was read; save the schedule again from the scheduling tool"
    try:
        return SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DTDForbidden:
        what = "declares entities in a DTD" if b"<!ENTITY" in data else "holds a DTD (<!DOCTYPE>)"
        raise ScheduleFileError(
            label,
            f"{what}; MS Project never writes one and it can hide an entity attack: {refused}",
        ) from None
    except (EntitiesForbidden, ExternalReferenceForbidden):
        raise ScheduleFileError(label, f"declares or references XML entities: {refused}") from None
    except ET.ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        if "no element found" in str(exc) or "unclosed token" in str(exc):
            raise ScheduleFileError(
                label,
                f"ends early (line {line}): the file is truncated; copy or save it again",
            ) from None
        raise ScheduleFileError(
            label,
            f"is not well-formed XML (line {line}, column {column}: {exc.msg if hasattr(exc, 'msg') else exc}); {SAVE_AS_XML}",
        ) from None


def text(element: ET.Element | None, tag: str, default: str = "") -> str:
    """The stripped text of ``element``'s child ``tag``, or ``default`` when absent or empty."""
    if element is None:
        return default
    child = element.find(tag)
    if child is None or child.text is None or not child.text.strip():
        return default
    return child.text.strip()


def number(element: ET.Element | None, tag: str, default: float = 0.0) -> float:
    """A child's text as a number; ``default`` when absent or not a number."""
    try:
        value = float(text(element, tag) or default)
    except ValueError:
        return default
    return value if value == value else default  # NaN -> default


def duration_minutes(value: str) -> float | None:
    """``'PT8H30M0S'`` -> 510.0; ``None`` when ``value`` is not an ISO 8601 duration."""
    m = _DURATION.match(value.strip()) if value else None
    if not m or value.strip() in ("P", "PT", "-P"):
        return None
    minutes = sum(float(g) * k for g, k in zip(m.groups()[1:], _MINUTES, strict=True) if g)
    return -minutes if m.group(1) else minutes


def moment(value: str, end_of_day: bool = False) -> dt.datetime | None:
    """An MSPDI date with or without a time (``2027-03-01T08:00:00``, ``2027-03-01``, with a
    zone or fraction of a second), naive; a date alone is the day's start (its end when
    ``end_of_day``). ``None`` when it is not a date (MS Project writes ``NA`` for none)."""
    value = (value or "").strip()
    if not value or value.upper() == "NA":
        return None
    try:
        if len(value) <= 10:
            day = dt.datetime.fromisoformat(value)
            return day + dt.timedelta(days=1) if end_of_day else day
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).replace(tzinfo=None)
    except ValueError:
        return None
