"""The meeting search: where (geometry), when (timing), in what order (ranking), and the QuerySet
method that walks those steps (queryset). These modules build SQL expressions and import no
model: the models build on them.
"""
