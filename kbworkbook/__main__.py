"""``python -m kbworkbook`` runs the command-line interface."""

from kbworkbook.cli import main

raise SystemExit(main())
