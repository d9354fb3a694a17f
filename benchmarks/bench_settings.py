"""Settings of the exam benchmarks' baseline server: exactly the settings of ``config.settings``
(read from the same environment: DJANGO_ENV=production, the same database, cache and middleware),
with the bare views of ``bench_urls`` added to the URLs. Benchmark-only; never deployed.

Served by gunicorn with ``--pythonpath benchmarks`` so that ``bench_urls`` can be imported.
"""
from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
