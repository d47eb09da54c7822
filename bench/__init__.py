"""Benchmarks: each bench_*.py prints a table; ``python -m bench`` runs them all."""
