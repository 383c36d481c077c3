"""What a kernel started ahead of its chapter does before the chapter runs.

Used by the workshop (:mod:`kbworkbook.lab_kernels`: a kernel per chapter waits in JupyterLab)
and the report (:mod:`kbworkbook.report_kernel`: a worker starts the kernel of its next
chapter while the current one runs). The code runs silently (no execution count, no output):
it imports the modules the chapters' cells import and draws one small chart into memory, since
matplotlib loads its fonts and renderer on first use. The names it uses are removed again, so
the namespace stays as a fresh kernel's.
"""

from __future__ import annotations

from typing import Any

__all__ = ["COMMON_MODULES", "preload_code", "run_silently"]

#: imported ahead by every chapter's kernel
COMMON_MODULES = ("pandas", "matplotlib.pyplot", "ipywidgets", "kbworkbook",
                  "kbworkbook.notebook", "kbworkbook.forms", "kbworkbook.analysis_cache",
                  "kbworkbook.table_cache", "kbworkbook.plots.metrics")


def preload_code(chapter_module: str | None = None) -> str:
    """The code a kernel runs ahead; ``chapter_module`` (e.g. ``"kundenwert"``) adds the
    chapter's own module when the chapter is known."""
    modules = COMMON_MODULES + ((f"kbworkbook.chapters.{chapter_module}",)
                                if chapter_module else ())
    return (
        "import importlib as _kb_importlib\n"
        f"for _kb_module in {modules!r}:\n"
        "    _kb_importlib.import_module(_kb_module)\n"
        "import io as _kb_io\n"
        "import matplotlib.pyplot as _kb_plt\n"
        "_kb_fig, _kb_ax = _kb_plt.subplots(figsize=(2, 1), layout='constrained')\n"
        "_kb_ax.bar([0, 1], [1, 2])\n"
        "_kb_ax.set_title('Übersicht 1 %')\n"
        "_kb_fig.savefig(_kb_io.BytesIO(), format='png')\n"
        "_kb_plt.close(_kb_fig)\n"
        "del _kb_importlib, _kb_module, _kb_io, _kb_plt, _kb_fig, _kb_ax\n"
    )


async def run_silently(client: Any, code: str, timeout: float) -> bool:
    """Run ``code`` on the kernel of ``client`` (a jupyter_client async client, channels not
    yet started) without execution count or output; ``True`` when it ran without error. The
    channels are stopped again either way."""
    client.start_channels()
    try:
        await client.wait_for_ready(timeout=timeout)
        reply = await client.execute_interactive(code, silent=True, store_history=False,
                                                 timeout=timeout, output_hook=lambda _msg: None)
        return bool(reply["content"]["status"] == "ok")
    finally:
        client.stop_channels()
