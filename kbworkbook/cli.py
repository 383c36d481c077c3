"""Command line: ``kbworkbook new | check | report | lab | demo``.

A thin layer: parse arguments, call the library, print its German (or English) messages and
exit with 0 (fine), 1 (problems in the user's data or a failed chapter), 2 (usage errors) or
130 (stopped with Ctrl+C: one line, no traceback; the report run has ended its processes);
143 / 129 (``report`` and ``demo`` stopped by SIGTERM / SIGHUP: the same clean stop).
Only :class:`~kbworkbook.errors.KbWorkbookError` is caught; anything else is a bug and keeps
its traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
from collections.abc import Sequence
from typing import Any

from . import __version__
from .errors import DataError, KbWorkbookError, WorkspaceError

__all__ = ["main"]

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class _Parser(argparse.ArgumentParser):
    """argparse with German usage errors and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"{self.prog}: Fehler: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="kbworkbook",
        description="Kundenbindungs-Workbook: Arbeitsordner anlegen, Daten prüfen, "
        "Workshop-Notebooks öffnen und HTML-Berichte erzeugen.",
    )
    parser.add_argument("--version", action="version", version=f"kbworkbook {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="BEFEHL", parser_class=_Parser)

    new = sub.add_parser("new", help="neuen Arbeitsordner für einen Kunden anlegen",
                         description="Legt einen Arbeitsordner mit kbworkbook.toml, "
                         "Datenvorlagen und einer Anleitung an.")
    new.add_argument("directory", metavar="ORDNER", help="neuer (leerer) Ordner")
    new.add_argument("--client", required=True, metavar="NAME", help="Name des Kunden")
    new.add_argument("--locale", default="de-CH", choices=["de-CH", "de-DE", "de-AT", "en"],
                     help="Sprache und Zahlenformat (Standard: de-CH)")
    new.add_argument("--currency", choices=["CHF", "EUR"], default=None,
                     help="Währung (Standard: CHF für de-CH, sonst EUR)")

    check = sub.add_parser("check", help="Datendateien eines Arbeitsordners prüfen",
                           description="Prüft jede Datendatei und zeigt Zeilen, Kunden, "
                           "Zeitraum oder jedes gefundene Problem.")
    check.add_argument("directory", metavar="ORDNER", help="Arbeitsordner")

    report = sub.add_parser("report", help="HTML-Bericht für einen Arbeitsordner erzeugen",
                            description="Führt alle Kapitel aus und schreibt HTML-Seiten "
                            "ohne Code nach ORDNER/reports/<Datum>/.")
    report.add_argument("directory", metavar="ORDNER", nargs="?", default=None,
                        help="Arbeitsordner (leer = Beispielkunde)")
    report.add_argument("--out", metavar="ZIEL", default=None, help="anderer Ausgabeordner")
    report.add_argument("--lang", choices=["de", "en"], default=None,
                        help="Sprache des Berichts (Standard: aus kbworkbook.toml)")
    report.add_argument("--jobs", type=int, default=2, metavar="N",
                        help="Kapitel parallel ausführen (Standard: 2)")
    report.add_argument("--pdf", action="store_true",
                        help="zusätzlich ein A4-PDF des ganzen Berichts (bericht.pdf)")

    lab = sub.add_parser(
        "lab", help="JupyterLab mit den Notebooks für einen Arbeitsordner öffnen",
        usage="%(prog)s [ORDNER] [--port PORT] [--ip IP] [--no-browser] [--no-kernels-ahead] "
        "[-- JUPYTERLAB-OPTIONEN]",
        description="Kopiert die Kapitel-Notebooks nach ORDNER/notebooks/ (bearbeitete "
        "Notebooks bleiben erhalten) und startet dort JupyterLab mit deutscher Oberfläche. "
        "Alles nach »--« geht unverändert an JupyterLab.")
    lab.add_argument("directory", metavar="ORDNER", nargs="?", default=None,
                     help="Arbeitsordner (leer = Beispielkunde, in einer Spielwiesen-Kopie)")
    lab.add_argument("--port", type=int, default=None, help="Port (Standard: 8888 oder frei)")
    lab.add_argument("--ip", default=None, metavar="IP",
                     help="Adresse, auf der JupyterLab lauscht (Standard: localhost)")
    lab.add_argument("--no-browser", action="store_true", help="keinen Browser öffnen")
    lab.add_argument("--no-kernels-ahead", action="store_true",
                     help="die Kernel der Kapitel nicht im Voraus starten (spart etwa 150 MB "
                     "Arbeitsspeicher je Kapitel; ein Kapitel braucht dann beim Öffnen etwa "
                     "eine Sekunde länger)")

    demo = sub.add_parser("demo", help="Bericht für den Beispielkunden erzeugen",
                          description="Erzeugt den vollständigen Bericht des Beispielkunden "
                          "»Bäckerei Sonnenschein GmbH«.")
    demo.add_argument("--out", metavar="ZIEL", default="build/demo", help="Ausgabeordner")
    demo.add_argument("--lang", choices=["de", "en"], default=None,
                      help="Sprache des Berichts (Standard: Deutsch)")
    demo.add_argument("--jobs", type=int, default=2, metavar="N", help="parallele Kapitel")
    demo.add_argument("--pdf", action="store_true", help="zusätzlich ein A4-PDF (bericht.pdf)")

    kit = sub.add_parser("kit", help="Workshop-Unterlagen zum Ausdrucken erzeugen (A4-PDF)",
                         description="Schreibt die Fragebögen als Papierformulare, die "
                         "Checklisten »Reklamationen lösen« und »Nach dem Kauf«, das Blatt "
                         "»Kundenbindung mit wenig Aufwand« und den Ablauf für einen Halbtages- "
                         "und einen Ganztages-Workshop als A4-PDF nach ORDNER/kit/, mit dem "
                         "Namen des Kunden und Ihrem Namen und Logo aus kbworkbook.toml.")
    kit.add_argument("directory", metavar="ORDNER", help="Arbeitsordner")
    kit.add_argument("--out", metavar="ZIEL", default=None,
                     help="anderer Ausgabeordner (Standard: ORDNER/kit)")
    kit.add_argument("--lang", choices=["de", "en"], default=None,
                     help="Sprache der Unterlagen (Standard: aus kbworkbook.toml)")
    return parser


def _cmd_new(args: argparse.Namespace) -> int:
    from .workspace import create_workspace

    ws = create_workspace(args.directory, args.client, args.locale, args.currency)
    print(f"Arbeitsordner angelegt: {ws.root}")
    print("  kbworkbook.toml  – Kunde, Sprache, Währung, Annahmen")
    print("  data/            – Vorlagen: Verkäufe, NPS, Beiträge, Beschwerden (README.md)")
    print("  answers/         – gespeicherte Antworten der Fragebögen")
    print("  reports/         – erzeugte Berichte")
    print(f"Nächster Schritt: Exporte nach {ws.data_dir} kopieren, dann "
          f"»kbworkbook check {args.directory}«.")
    return EXIT_OK


def _cmd_check(args: argparse.Namespace) -> int:
    from .check import check_workspace, render_check
    from .workspace import Workspace

    ws = Workspace.open(args.directory)
    result = check_workspace(ws)
    print(render_check(result, ws.language))
    return EXIT_OK if result.ok else EXIT_PROBLEMS


def _cmd_report(args: argparse.Namespace) -> int:
    from .report import build_report

    result = build_report(args.directory, out=args.out, language=args.lang, jobs=args.jobs,
                          progress=print, pdf=args.pdf)
    print(result.summary())
    return EXIT_OK if result.ok else EXIT_PROBLEMS


def _cmd_demo(args: argparse.Namespace) -> int:
    from .report import build_report

    result = build_report(None, out=args.out, language=args.lang, jobs=args.jobs,
                          progress=print, pdf=args.pdf)
    print(result.summary())
    return EXIT_OK if result.ok else EXIT_PROBLEMS


def _cmd_kit(args: argparse.Namespace) -> int:
    from .kit import build_kit

    result = build_kit(args.directory, out=args.out, language=args.lang)
    print(result.summary())
    return EXIT_OK


def _cmd_lab(args: argparse.Namespace) -> int:
    from .lab import launch_lab

    return launch_lab(args.directory, port=args.port, ip=args.ip,
                      open_browser=not args.no_browser, extra_args=args.passthrough,
                      kernels_ahead=not args.no_kernels_ahead)


_COMMANDS = {
    "new": _cmd_new,
    "check": _cmd_check,
    "report": _cmd_report,
    "demo": _cmd_demo,
    "lab": _cmd_lab,
    "kit": _cmd_kit,
}


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP (the terminal closed, a service manager, ``kill``): stopped the way
    Ctrl+C stops, with the exit code of the signal (128 + its number)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise_terminated(signum: int, _frame: object) -> None:
    raise Terminated(signum)


def _stop_signals_like_ctrl_c() -> dict[int, Any]:
    """SIGTERM and SIGHUP raise :class:`Terminated` in the main thread, so the report's
    clean-up for Ctrl+C (every worker and kernel ended, no half-written report) runs."""
    previous = {}
    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is not None:
            with contextlib.suppress(ValueError, OSError):  # not the main thread
                previous[number] = signal.signal(number, _raise_terminated)
    return previous


def _interrupted(args: argparse.Namespace, exc: KeyboardInterrupt) -> int:
    """Ctrl+C (or SIGTERM/SIGHUP): one line in the report's language (the report has ended
    its processes)."""
    lang = getattr(args, "lang", None) or "de"
    terminated = isinstance(exc, Terminated)
    if args.command in ("report", "demo"):
        from .report_text import t

        print(t(lang, "terminated" if terminated else "interrupted"), file=sys.stderr,
              flush=True)
    else:
        print("Stopped." if lang == "en" else "Abgebrochen.", file=sys.stderr, flush=True)
    return 128 + exc.signum if isinstance(exc, Terminated) else EXIT_INTERRUPTED


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return the exit code."""
    parser = _build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    passthrough: list[str] = []
    if "--" in argv:  # everything after "--" goes to JupyterLab unchanged
        cut = argv.index("--")
        argv, passthrough = argv[:cut], argv[cut + 1:]
    args = parser.parse_args(argv)
    if passthrough and args.command != "lab":
        parser.error("»--« mit weiteren Optionen gibt es nur bei »kbworkbook lab«.")
    args.passthrough = passthrough
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    previous = _stop_signals_like_ctrl_c() if args.command in ("report", "demo") else {}
    try:
        return _COMMANDS[args.command](args)
    except DataError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_PROBLEMS
    except WorkspaceError as exc:
        print(f"Fehler: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KbWorkbookError as exc:
        print(f"Fehler: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    except KeyboardInterrupt as exc:
        return _interrupted(args, exc)
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
