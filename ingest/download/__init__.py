"""Download the configured BNS table exports and Taldau indexes (`make download`).

- tables.py:   the configured list (ingest/download_tables.yml), base URLs from the environment
- client.py:   the HTTP client (timeouts, retries with backoff, polite delay)
- validate.py: the body checks run before anything is stored
- store.py:    atomic writes, the JSON-lines manifest, one copy per distinct body, `latest`
- cli.py:      `python -m ingest.download [--out DIR]`
"""
