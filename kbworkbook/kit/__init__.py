"""The workshop kit: printable A4 materials and the facilitator notes, from TOML catalogues.

::

    from kbworkbook.kit import build_kit
    result = build_kit("kunden/sonnenschein")        # → kunden/sonnenschein/kit/*.pdf
    print(result.summary())

:mod:`kbworkbook.kit.content` reads the catalogues (no PDF engine needed; the notebook
generator takes the facilitator notes from there); :mod:`kbworkbook.kit.build` renders.
"""

from __future__ import annotations

from .build import (
    KIT_FOLDER,
    KitDocument,
    KitFile,
    KitResult,
    build_kit,
    html_to_pdf,
    kit_documents,
)
from .content import facilitator_note

__all__ = [
    "KIT_FOLDER",
    "KitDocument",
    "KitFile",
    "KitResult",
    "build_kit",
    "facilitator_note",
    "html_to_pdf",
    "kit_documents",
]
