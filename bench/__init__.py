"""Benchmarks for ``make bench``: search speed (bench.search) and imports (bench.imports)."""
