r"""Benchmark: the people list through the API (GET /api/v1/people/) over a million people,
PostgreSQL only — issue 16's "p95 server time and query count" (target p95 < 100 ms, constant
queries).

The same run as ``people_list.py`` (same loading, same users, same scenarios, same bare-SQL
baseline), with the requests sent to the API instead of the page: page 20 is ``offset=950``, the
session of the logged-in user authenticates (a token costs one indexed lookup more). The throttle
counters are off: in production they live in Redis, not in the database measured here.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python benchmarks/api_people_list.py
    ... benchmarks/api_people_list.py --people 100000 --requests 20
"""
import time

import people_list

PATH = "/api/v1/people/"


def _api_params(params: dict) -> dict:
    params = dict(params)
    page = params.pop("page", None)
    if page:
        params["offset"] = (int(page) - 1) * 50
    return params


def time_view(client, params: dict, requests: int, warmup: int) -> list[float]:
    from django.conf import settings

    settings.API_THROTTLE_RATES = {}
    times = []
    for index in range(warmup + requests):
        started = time.perf_counter()
        response = client.get(PATH, _api_params(params))
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise RuntimeError(
                f"{PATH} {params} answered {response.status_code}: {response.content[:200]}")
        if index >= warmup:
            times.append(elapsed)
    return times


def captured(client, params: dict) -> tuple[list[dict], bytes]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        response = client.get(PATH, _api_params(params))
    return context.captured_queries, response.content


if __name__ == "__main__":
    people_list.time_view, people_list.captured = time_view, captured
    people_list.main()
