"""The performance benchmark behind ``manage.py bench`` (``make bench``).

Nothing here is imported by the product: the command drives child processes that run with
``devtools.benchmark.settings``, whose URLconf adds the minimal DRF endpoints the API lists
are compared with. See ``runner`` for the order of a run and ``docs/benchmarks.md`` for the
latest table.
"""
