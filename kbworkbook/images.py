"""The consultant's logo: a real PNG, JPEG or SVG, recognised by its content, never its name.

:func:`image_type` looks at the bytes (PNG and JPEG signatures, an XML document whose root
element is ``<svg>``); the file ending plays no part, so ``/etc/passwd`` renamed to
``logo.png`` is refused. SVG with a document type declaration (entities) is refused too.
:func:`data_uri` embeds checked bytes for the report header.
"""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET  # noqa: S405 - only after refusing DOCTYPE/ENTITY (no expansion)

__all__ = ["LOGO_LIMIT", "data_uri", "image_type"]

#: Largest logo accepted (bytes); it is embedded in every page of the report.
LOGO_LIMIT = 2_000_000

_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"
_SVG_NS = "{http://www.w3.org/2000/svg}svg"
_DOCTYPE = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


def _is_svg(data: bytes) -> bool:
    if _DOCTYPE.search(data):
        return False
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"<"):
        return False
    try:
        root = ET.fromstring(data)  # noqa: S314 - no DOCTYPE, so no entity expansion
    except ET.ParseError:
        return False
    return root.tag in (_SVG_NS, "svg")


def image_type(data: bytes) -> str | None:
    """``image/png``, ``image/jpeg`` or ``image/svg+xml`` by content, else ``None``."""
    if data.startswith(_PNG):
        return "image/png"
    if data.startswith(_JPEG):
        return "image/jpeg"
    if _is_svg(data):
        return "image/svg+xml"
    return None


def data_uri(data: bytes) -> str | None:
    """A ``data:`` URI of a recognised image, or ``None`` when the bytes are no such image."""
    mime = image_type(data)
    if mime is None:
        return None
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
