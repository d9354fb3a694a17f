r"""Benchmark: the people list (/people/) over a million people, PostgreSQL only.

Loads --people valid people (default 1,000,000) spread over the open units of the demo province
through the importer's checks and bulk path, secondary indexes rebuilt once at the end (not timed;
about 10 minutes; progress on stderr), then runs VACUUM ANALYZE so the planner has statistics and
index-only scans work, as autovacuum would leave a production database. Then, in the same run:

* the list as a logged-in user gets it: ``django.test.Client`` with ``force_login``, DEBUG off,
  GET /people/ with a department filter and a common name ("nguyen van"), and variations (search
  only, unit only, page 20, everything), for a unit HR officer granted MANAGE on one department
  (TQ.SNV) and for a provincial HR officer (group provincial_hr: every unit);
  ``--warmup`` requests (default 5), then ``--requests`` timed ones (default 50): median and p95;
  one more request under ``CaptureQueriesContext`` gives the query count and the time in SQL;
* baseline: one bare raw-SQL ``SELECT … ORDER BY sort_key, id LIMIT 50`` with the same filters
  (and, separately, the bare ``COUNT(*)`` a paginator needs), timed the same way.

Figures: the view's median over the bare query's median (and over bare list + count). Target: a
bounded number of queries per request whatever the data size (DESIGN.md §5). ``EXPLAIN (ANALYZE,
BUFFERS)`` of the exact list and COUNT queries the view ran is printed for the first scenario, and
the scan lines of every scenario's plans are summarised, to show whether the trigram and path
indexes are used.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python benchmarks/people_list.py
    ... benchmarks/people_list.py --people 200000 --requests 20
    ... benchmarks/people_list.py --keep      # then --reuse measures again without reloading

The last line of stdout is the JSON of every figure.
"""
import argparse
import os
import re
import sys
import time
from dataclasses import dataclass, field

from _support import emit_json, load_people, log, ratio, start, summary_ms


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=1_000_000,
                        help="people to load (default 1,000,000)")
    parser.add_argument("--requests", type=int, default=50,
                        help="timed requests per scenario (default 50)")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests first (default 5)")
    parser.add_argument("--q", default="nguyen van", help='the search text (default "nguyen van")')
    parser.add_argument("--department", default="TQ.SNV",
                        help="the unit HR officer's department (TQ.SNV)")
    parser.add_argument("--db-name", default="cong_vu_bench_list",
                        help="PostgreSQL database to create")
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    parser.add_argument("--reuse", action="store_true",
                        help="measure on the database kept by an earlier --keep run (skips "
                             "loading; implies --keep)")
    return parser.parse_args()


@dataclass
class Scenario:
    label: str
    user: str  # "unit_hr" or "provincial_hr"
    params: dict
    path: str | None  # the bare query's unit-path prefix (scope and unit filter combined)
    words: list[str]
    offset: int = 0
    figures: dict = field(default_factory=dict)
    sql: tuple = (None, None)  # the list and COUNT queries the view ran


def scenarios(department, q: str) -> list[Scenario]:
    words, dept = q.split(), {"unit": department.pk}
    page20 = {"page": 20}
    return [
        Scenario("unit HR: department + search", "unit_hr", {**dept, "q": q}, department.path,
                 words),
        Scenario("unit HR: search only", "unit_hr", {"q": q}, department.path, words),
        Scenario("unit HR: department only", "unit_hr", dept, department.path, []),
        Scenario("unit HR: department, page 20", "unit_hr", {**dept, **page20}, department.path, [],
                 950),
        Scenario("provincial: department + search", "provincial_hr", {**dept, "q": q},
                 department.path, words),
        Scenario("provincial: search only", "provincial_hr", {"q": q}, None, words),
        Scenario("provincial: department only", "provincial_hr", dept, department.path, []),
        Scenario("provincial: everyone, page 1", "provincial_hr", {}, None, []),
        Scenario("provincial: everyone, page 20", "provincial_hr", page20, None, [], 950),
    ]


# --- setting up -----------------------------------------------------------------------------------

def make_users(department) -> dict:
    from django.contrib.auth.models import Group

    from core.access import MANAGE
    from core.models import User
    from core.services.units import unit_grant

    users = {}
    for username in ("unit_hr", "provincial_hr"):
        user, created = User.objects.get_or_create(username=f"bench.{username}", defaults={
            "full_name": username, "account_type": User.AccountType.STAFF})
        if created:
            user.set_unusable_password()
            user.save()
        users[username] = user
    unit_grant(actor=None, unit=department, level=MANAGE, user=users["unit_hr"])
    users["provincial_hr"].groups.add(Group.objects.get(name="provincial_hr"))
    return users


def vacuum_analyze() -> float:
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) personnel_civilservant")
        cursor.execute("VACUUM (ANALYZE) core_orgunit")
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


# --- the view -------------------------------------------------------------------------------------

def time_view(client, params: dict, requests: int, warmup: int) -> list[float]:
    times = []
    for index in range(warmup + requests):
        started = time.perf_counter()
        response = client.get("/people/", params)
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise RuntimeError(f"/people/ {params} answered {response.status_code}")
        if index >= warmup:
            times.append(elapsed)
    return times


def captured(client, params: dict) -> tuple[list[dict], bytes]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        response = client.get("/people/", params)
    return context.captured_queries, response.content


def main_queries(queries: list[dict]) -> tuple[str | None, str | None]:
    """The list query (… LIMIT; it may carry its count) and a separate COUNT among the captured
    queries (None when the page's statement counts too)."""
    people = [q["sql"] for q in queries if 'FROM "personnel_civilservant"' in q["sql"]]
    listing = next((sql for sql in people if "LIMIT" in sql
                    and not sql.startswith("SELECT COUNT(*)")), None)
    count = next((sql for sql in people if sql.startswith("SELECT COUNT(*)")), None)
    return listing, count


# --- the baseline ---------------------------------------------------------------------------------

BARE_COLUMNS = ("s.id, s.code, s.full_name, s.date_of_birth, s.birth_precision, s.sex, s.title, "
                "s.leadership, s.status, s.salary_step, s.salary_coefficient, "
                "u.name, r.code, r.name")


def bare_sql(scenario: Scenario) -> tuple[str, str, list]:
    """The list and count queries a hand-written page would send for the same filters."""
    where, params = ["s.status = 'active'"], []
    if scenario.path:
        where.append("u.path LIKE %s")
        params.append(scenario.path + "%")
    for word in scenario.words:
        where.append("s.search_text LIKE %s")
        params.append(f"%{word}%")
    people = "personnel_civilservant s JOIN core_orgunit u ON u.id = s.unit_id"
    condition = " AND ".join(where)
    listing = (f"SELECT {BARE_COLUMNS} FROM {people} "  # noqa: S608
               "LEFT JOIN positions_rank r ON r.id = s.rank_id "
               f"WHERE {condition} ORDER BY s.sort_key, s.id LIMIT 50 OFFSET {scenario.offset}")
    # join the units only to filter by them
    counted = people if scenario.path else "personnel_civilservant s"
    count = f"SELECT COUNT(*) FROM {counted} WHERE {condition}"  # noqa: S608 - fixed text
    return listing, count, params


def time_sql(sql: str, params: list, requests: int, warmup: int) -> tuple[list[float], list]:
    from django.db import connection

    times, rows = [], []
    with connection.cursor() as cursor:
        for index in range(warmup + requests):
            started = time.perf_counter()
            cursor.execute(sql, params)
            rows = cursor.fetchall()
            if index >= warmup:
                times.append(time.perf_counter() - started)
    return times, rows


def explain(sql: str, params: list | None = None) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params or None)
        return [row[0] for row in cursor.fetchall()]


_SCAN = re.compile(r"((?:Parallel )?Seq Scan|Index Scan|Index Only Scan|Bitmap Heap Scan"
                   r"|Bitmap Index Scan)(?: using (\S+))? on (\S+)")


def plan_summary(lines: list[str]) -> dict:
    scans = []
    for line in lines:
        match = _SCAN.search(line)
        if match:
            scans.append(" ".join(part for part in match.groups() if part))
    execution = next((line.split(":")[1].strip() for line in lines
                      if line.startswith("Execution Time")), "")
    return {"execution": execution, "scans": scans}


# --- running a scenario ---------------------------------------------------------------------------

def run_scenario(scenario: Scenario, client, args) -> None:
    view = time_view(client, scenario.params, args.requests, args.warmup)
    queries, content = captured(client, scenario.params)
    listing, count, params = bare_sql(scenario)
    bare_list, rows = time_sql(listing, params, args.requests, args.warmup)
    bare_count, total = time_sql(count, params, args.requests, args.warmup)
    view_sql, count_sql = main_queries(queries)
    median_view = summary_ms(view)["median_ms"]
    median_list = summary_ms(bare_list)["median_ms"]
    median_count = summary_ms(bare_count)["median_ms"]
    scenario.figures = {
        "params": scenario.params, "matches": total[0][0], "rows_on_page": len(rows),
        "view": summary_ms(view), "queries": len(queries),
        "sql_ms_in_request": round(sum(float(q["time"]) for q in queries) * 1000, 2),
        "bare_list": summary_ms(bare_list), "bare_count": summary_ms(bare_count),
        "ratio_to_bare_list": ratio(median_view, median_list),
        "ratio_to_bare_list_and_count": ratio(median_view, median_list + median_count),
        "plans": {"list": plan_summary(explain(view_sql)) if view_sql else None,
                  "count": plan_summary(explain(count_sql)) if count_sql else None},
        "page_bytes": len(content),
    }
    scenario.sql = (view_sql, count_sql)


def print_scenario(scenario: Scenario) -> None:
    f = scenario.figures
    view, bare, count = f["view"], f["bare_list"], f["bare_count"]
    print(f"  {scenario.label} — {f['matches']:,} matches, {f['queries']} queries/request "
          f"({f['sql_ms_in_request']:.0f} ms in SQL)")
    print(f"      view {view['median_ms']:.1f} ms (p95 {view['p95_ms']:.1f}) "
          f"| bare list {bare['median_ms']:.1f} (p95 {bare['p95_ms']:.1f}) "
          f"+ bare count {count['median_ms']:.1f} (p95 {count['p95_ms']:.1f}) "
          f"| ratio {f['ratio_to_bare_list']:.1f}× list, "
          f"{f['ratio_to_bare_list_and_count']:.1f}× list+count")
    for kind in ("list", "count"):
        plan = f["plans"][kind]
        if plan:
            print(f"      {kind} plan {plan['execution']}: {'; '.join(plan['scans'])}")


def print_full_plans(scenario: Scenario) -> None:
    view_sql, count_sql = scenario.sql
    for title, sql in (("list query", view_sql), ("COUNT query", count_sql)):
        if sql:
            print(f"\nEXPLAIN (ANALYZE, BUFFERS) of the view's {title} — {scenario.label}:\n  "
                  f"{sql}")
            print("\n".join("    " + line for line in explain(sql)))


def main() -> None:
    args = parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        sys.exit("people_list.py needs PostgreSQL: set "
                 "DATABASE_URL=postgres://user@host:port/any_db (a throwaway database is created "
                 "next to it).")
    database = start(args.db_name, args.keep, args.reuse)
    try:
        from django.test import Client

        from core.models import OrgUnit
        from personnel.models import CivilServant

        load_seconds = 0.0
        if database.reused and CivilServant.objects.exists():
            args.people = CivilServant.objects.count()
            log(f"reusing the {args.people:,} people of {database.name}")
        else:
            log(f"loading {args.people:,} people through the import bulk path (not timed) …")
            load_seconds = load_people(args.people)
        analyze_seconds = vacuum_analyze()
        department = OrgUnit.objects.open().get(code=args.department)
        users = make_users(department)
        clients = {}
        for name, user in users.items():
            clients[name] = Client()
            clients[name].force_login(user)
        runs = scenarios(department, args.q)
        print(f"\npeople_list — {args.people:,} people on postgresql, {args.requests} requests "
              f"after {args.warmup} warm-ups (medians; ratio = view / bare query)")
        for scenario in runs:
            log(f"  {scenario.label} …")
            run_scenario(scenario, clients[scenario.user], args)
            print_scenario(scenario)
        print_full_plans(runs[0])
        figures = {"benchmark": "people_list", "vendor": "postgresql", "people": args.people,
                   "q": args.q, "department": args.department, "load_s": round(load_seconds, 1),
                   "vacuum_analyze_s": round(analyze_seconds, 1), "requests": args.requests,
                   "scenarios": {s.label: s.figures for s in runs}}
    finally:
        database.drop()
    emit_json(figures)


if __name__ == "__main__":
    main()
