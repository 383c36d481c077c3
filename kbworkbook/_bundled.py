"""Files that ship inside the package (chapter notebooks, the sample client, report templates).

Found with :mod:`importlib.resources`, so they are there in an editable checkout and in an
installed wheel alike. A wheel is installed unpacked, so every resource is a real file on disk;
a zipped import (which nothing in kbworkbook's install paths produces) is refused clearly.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["package_path"]


def package_path(*parts: str) -> Path:
    """The path of a file or folder inside the installed ``kbworkbook`` package."""
    resource = resources.files("kbworkbook").joinpath(*parts)
    if not isinstance(resource, Path):
        msg = f"kbworkbook must be installed unpacked (not from a zip): {resource}"
        raise RuntimeError(msg)
    return resource
