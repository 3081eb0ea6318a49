"""Data text made safe for where it goes: Markdown/HTML (a report page), matplotlib labels
(mathtext), CSV cells opened in a spreadsheet, and the terminal.

Project names, ids, categories, roles, criteria and scenario names come from the user's files;
none of them may become markup, a formula or a terminal escape sequence.
"""

from __future__ import annotations

import html
import re

# Markdown's specials that can start emphasis, code, links, headings, lists, tables or quotes
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|~$])")  # ">" becomes &gt; below
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_markdown(text: object) -> str:
    """``text`` as literal characters in Markdown rendered to HTML.

    HTML specials become entities (so ``<img onerror=...>`` is shown, not run) and Markdown
    specials are backslash-escaped (so ``[x](javascript:...)`` is no link, ``*`` no emphasis and
    ``$`` no maths). Markdown is escaped first, HTML second, so that an entity such as
    ``&#x27;`` (an apostrophe) is not broken by escaping its ``#``.

    Examples
    --------
    >>> escape_markdown("[x](javascript:alert(3))")
    '\\\\[x\\\\]\\\\(javascript:alert\\\\(3\\\\)\\\\)'
    """
    # Markdown first, entities second: escaping the entities' own "#" would show "&#x27;"
    return html.escape(_MARKDOWN_SPECIALS.sub(r"\\\1", str(text)), quote=True)


def escape_html(text: object) -> str:
    """``text`` as literal characters inside HTML (entities for ``< > & " '``)."""
    return html.escape(str(text), quote=True)


def escape_mathtext(text: object) -> str:
    """``text`` for a matplotlib label: a ``$`` is a dollar sign, never the start of maths."""
    return str(text).replace("$", r"\$")


def terminal_safe(text: object) -> str:
    """``text`` with control characters (escape sequences among them) shown as ``\\xNN``."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", str(text))
