"""Generate the chapter notebooks (shipped in ``kbworkbook/notebooks/``) from the chapter modules.

Each chapter module in kbworkbook/chapters/ declares ``SECTIONS`` (ordered names of its section
functions), ``INPUTS`` (the data inputs it uses) and ``ABOUT`` (a German sentence for the
consultant). The notebooks are thin: a note for the consultant (tagged ``remove_cell``, so it
never reaches the report), the tagged ``parameters`` cell, set-up + header, one call per section,
the data footer. The committed notebooks must equal what this module writes (a test checks it);
after adding a section run::

    python -m kbworkbook.chapter_notebooks
"""

from __future__ import annotations

import importlib
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from kbworkbook._bundled import package_path
from kbworkbook.chapters import CHAPTERS
from kbworkbook.kit.content import facilitator_note

__all__ = ["notebook_for", "write_notebooks"]

PARAMETERS = '''\
# Arbeitsordner des Kunden (Pfad); None = Beispielkunde bzw. der Ordner von »kbworkbook lab«
workspace = None
# Sprache des Berichts: "de" oder "en"; None = Sprache aus kbworkbook.toml
language = None
# Stichtag "JJJJ-MM-TT"; None = [analysis] as_of aus kbworkbook.toml bzw. letzter Datentag
as_of = None
# True im Workshop: Formulare speichern jede Antwort sofort; der Bericht setzt False
live = True'''


def _facilitator(number: str) -> str:
    """The chapter's facilitator notes (kbworkbook/kit/moderation.toml) for the consultant cell."""
    note = facilitator_note(number, "de")
    return f"\n\n{note}" if note else ""


def notebook_for(number: str) -> nbformat.NotebookNode:
    chapter = next(c for c in CHAPTERS if c.number == number)
    module = importlib.import_module(f"kbworkbook.chapters.{chapter.module}")
    about = getattr(module, "ABOUT", "")
    cells = [
        new_markdown_cell(
            f"# {chapter.number} · {chapter.title_de}\n\n{about}\n\n"
            "**▶ Zum Start: Menü »Ausführen → Alle Zellen ausführen«** (englische Oberfläche: "
            "»Run → Run All Cells«). Nach dem Öffnen, einem Neuladen der Seite oder einem "
            "Kernel-Neustart sind die Ergebnisse leer, bis die Zellen ausgeführt sind; "
            "gespeicherte Antworten gehen dabei nie verloren.\n\n"
            "*Für die Beratung:* Diese Zelle erscheint nicht im Bericht. Die Texte für den "
            "Inhaber kommen aus dem Paket (deutsch/englisch); hier stehen nur Aufrufe. "
            "Oben `workspace` setzen oder über `kbworkbook lab ORDNER` öffnen."
            + _facilitator(chapter.number),
            metadata={"tags": ["remove_cell"]},
        ),
        new_code_cell(PARAMETERS, metadata={"tags": ["parameters"]}),
        new_code_cell(
            "import kbworkbook as kb\n"
            f"from kbworkbook.chapters import {chapter.module} as chapter\n\n"
            "ctx = kb.notebook.setup(workspace, language, as_of, live)\n"
            f'kb.notebook.show(kb.notebook.header(ctx, "{chapter.number}"))'
        ),
    ]
    for name in module.SECTIONS:
        cells.append(new_code_cell(f'kb.notebook.section(ctx, chapter, "{name}")'))
    cells.append(new_code_cell(
        f'kb.notebook.show(kb.notebook.footer(ctx, chapter.INPUTS, "{chapter.number}"))'))
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python",
                                 "name": "python3"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def write_notebooks(target: Path | None = None) -> list[Path]:
    """Write every chapter notebook into ``target`` (default: the package's notebooks folder).

    Cell ids are stable (``c03-04``) so regenerating an unchanged chapter changes no byte.
    """
    folder = package_path("notebooks") if target is None else Path(target)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for chapter in CHAPTERS:
        nb = notebook_for(chapter.number)
        for i, cell in enumerate(nb.cells):
            cell["id"] = f"c{chapter.number}-{i:02d}"
        path = folder / chapter.notebook
        nbformat.write(nb, path)
        written.append(path)
    return written


def main() -> None:
    for path in write_notebooks():
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
