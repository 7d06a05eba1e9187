"""Benchmarks of the refresh, the app and the synthetic district-level sizes (`make bench`)."""
