"""Benchmarks for ``make bench``: search speed (bench.search) and imports (bench.imports).

Drills with real gunicorn workers (bench.served): a database outage under load (bench.outage)
and suggestions racing the rate limit (bench.suggestions).
"""
