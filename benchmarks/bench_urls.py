"""The baselines of the exam benchmarks: bare Django views doing the least work each exam call
must do, served by the same gunicorn configuration and the same middleware as the exam API
(``bench_settings``). Benchmark-only; they check no token and are never deployed.

* ``PUT /bench/answers/<attempt>/<n>`` — one upsert into ``recruitment_answer``, the exam
  engine's own statement (``services.UPSERT``), in autocommit: the floor of a save;
* ``POST /bench/login`` — one ``UPDATE … RETURNING`` that checks the number and password digest
  and stores a new token digest: the floor of a login;
* ``GET /bench/papers/<attempt>`` — one query for the paper's questions with their options in
  the candidate's order: the floor of a paper fetch.
"""
import json
import secrets

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.urls import urlpatterns as site_urlpatterns
from recruitment.exam.services import UPSERT, digest


@csrf_exempt
@login_not_required
@require_http_methods(["PUT"])
def bare_save(request, attempt: int, n: int) -> JsonResponse:
    body = json.loads(request.body)
    with connection.cursor() as cursor:
        cursor.execute(UPSERT, [attempt, n, body.get("choice"), body["seq"], timezone.now()])
        row = cursor.fetchone()
    return JsonResponse({"saved": row[0] if row else body["seq"]})


@csrf_exempt
@login_not_required
@require_POST
def bare_login(request) -> JsonResponse:
    body = json.loads(request.body)
    token = secrets.token_urlsafe(24)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE recruitment_attempt SET token_digest = %s WHERE number = %s AND "
                       "password_digest = %s RETURNING id",
                       [digest(token), body["number"], digest(body["password"])])
        row = cursor.fetchone()
    if row is None:
        return JsonResponse({"detail": "credentials"}, status=403)
    return JsonResponse({"attempt": row[0], "token": token})


@login_not_required
@require_GET
def bare_paper(request, attempt: int) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT i.n, i.part, i.option_order, q.text, q.options FROM "
                       "recruitment_paperitem i JOIN recruitment_question q ON q.id = "
                       "i.question_id WHERE i.attempt_id = %s ORDER BY i.n",
                       [attempt])
        rows = cursor.fetchall()
    # JSON columns come back as text here (Django turns psycopg2's own decoding off)
    questions = []
    for n, part, order, text, options in rows:
        options = json.loads(options)
        questions.append({"n": n, "part": part, "text": text,
                          "options": [options[i] for i in json.loads(order)]})
    return JsonResponse({"attempt": attempt, "server_time": timezone.now(), "questions": questions},
                        # as DRF renders the exam's paper
                        json_dumps_params={"ensure_ascii": False})


urlpatterns = [
    path("bench/answers/<int:attempt>/<int:n>", bare_save),
    path("bench/login", bare_login),
    path("bench/papers/<int:attempt>", bare_paper),
    *site_urlpatterns,
]
