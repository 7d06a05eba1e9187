"""Shared infrastructure under every stage: warehouse paths, the refresh lock, fault injection.

Nothing here imports a stage package (ingest, expectations, pipeline, streamlit_app, bench).
"""
