"""`python -m ingest load [--raw-dir DIR]` and `python -m ingest sample` (see `--help`)."""

from ingest.cli import main

raise SystemExit(main())
