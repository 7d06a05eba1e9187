"""Quality gates of the warehouse: Great Expectations suites (JSON in `suites/`) for the raw,
staging and marts layers, run against a private build file before it is published.

Entry point: `expectations.gates.run_gates` (and `python -m expectations.gates`). Importing this
package does not import Great Expectations; only running the gates does, so the Streamlit app
must import nothing from here.
"""
