"""`python -m ingest.download [--out DIR]` (see `--help`)."""

from ingest.download.cli import main

raise SystemExit(main())
