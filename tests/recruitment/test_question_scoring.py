"""Scoring of every question type with partial credit, through the exam API as a candidate
answers: multiple response (weights, negative weights clamped at zero unless the round's rules
mark negatively), true/false, short answer (case and diacritics), numerical (tolerance, "2,34"),
matching (per pair), essay (kept for the examiners, not scored). The paper never carries a key."""
import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from recruitment.exam import scoring, services
from recruitment.models import Answer, PaperItem, Question

pytestmark = pytest.mark.django_db

QUESTIONS = {
    "MR": dict(
        kind="multiple",
        text="Những cơ quan nào thuộc Chính phủ?",
        options=["Bộ Nội vụ", "Bộ Tài chính", "Quốc hội", "Tòa án"],
        correct=0,
        key={"weights": [50, 50, -100, -50]},
    ),
    "TF": dict(
        kind="truefalse", text="Công chức được ký hợp đồng lao động.", options=["Đúng", "Sai"],
        correct=1,
    ),
    "SA": dict(
        kind="short",
        text="Thủ đô của Việt Nam là gì?",
        options=[],
        correct=0,
        key={"answers": [{"text": "Hà Nội", "weight": 100}, {"text": "Thăng Long", "weight": 50}]},
    ),
    "NU": dict(
        kind="numerical",
        text="Số pi đến hai chữ số thập phân?",
        options=[],
        correct=0,
        key={"answers": [{"value": 3.14, "tolerance": 0.01, "weight": 100}]},
    ),
    "MA": dict(
        kind="matching", text="Ghép cơ quan với người đứng đầu",
        options=["Bộ trưởng", "Chủ tịch", "Chánh án"], correct=0,
        key={"pairs": [["Bộ", 0], ["UBND", 1], ["Tòa án", 2]]},
    ),
    "ES": dict(kind="essay", text="Trình bày vai trò của công chức.", options=[], correct=0),
}
SECRETS = ("weights", "Thăng Long", "tolerance", "3.14", "pairs")


def _exam(candidates=1):
    bank = services.bank_create(actor=None, code="MIX", name="Hỗn hợp", part="general")
    for family, values in QUESTIONS.items():
        services.question_save(actor=None, bank=bank, family=family, **values)
    for question in bank.questions.all():
        services.question_approve(actor=None, question=question)
    blueprint = services.blueprint_create(actor=None, name="Đề", parts=[
        services.PartSpec("general", 30, (services.RuleSpec(bank, len(QUESTIONS)),))])
    session = services.session_create(actor=None, name="Ca", blueprint=blueprint,
                                      starts_at=timezone.now() - timedelta(minutes=1))
    seated = services.attempts_add(actor=None, session=session, candidates=[
        {"number": f"SBD{i}", "full_name": f"Thí sinh {i}"} for i in range(candidates)])
    services.papers_generate(session)
    return session, seated


def _put(client, attempt, token, n, body):
    return client.put(reverse("exam:api_answer", args=[attempt.pk, n]), json.dumps(body),
                      content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")


def _item(attempt, family):
    return PaperItem.objects.select_related("question").get(
        attempt=attempt, question__family=family
    )


def test_fractions_per_kind():
    identity = [0, 1, 2, 3]
    multiple = QUESTIONS["MR"]["key"]
    assert scoring.fraction("multiple", multiple, 0, identity, None, {"choices": [0]}) == 0.5
    assert scoring.fraction("multiple", multiple, 0, identity, None, {"choices": [0, 1]}) == 1.0
    assert scoring.fraction("multiple", multiple, 0, identity, None, {"choices": [0, 1, 3]}) == 0.5
    # clamped
    assert scoring.fraction("multiple", multiple, 0, identity, None, {"choices": [0, 2]}) == 0.0
    assert (
        scoring.fraction(
            "multiple", multiple, 0, identity, None, {"choices": [0, 2]}, negative=True
        )
        == -0.5
    )
    short = QUESTIONS["SA"]["key"]
    # case, diacritics off
    assert scoring.fraction("short", short, 0, [], None, {"text": "  ha noi "}) == 1.0
    assert scoring.fraction("short", short, 0, [], None, {"text": "thăng long"}) == 0.5
    assert (
        scoring.fraction("short", {**short, "diacritics": True}, 0, [], None, {"text": "Ha Noi"})
        == 0.0
    )
    assert (
        scoring.fraction(
            "short", {**short, "case_sensitive": True}, 0, [], None, {"text": "hà nội"}
        )
        == 0.0
    )
    numerical = QUESTIONS["NU"]["key"]
    assert scoring.fraction("numerical", numerical, 0, [], None, {"text": "3,15"}) == 1.0
    assert scoring.fraction("numerical", numerical, 0, [], None, {"text": "3.16"}) == 0.0
    assert scoring.fraction("numerical", numerical, 0, [], None, {"text": "ba"}) == 0.0
    pairs = QUESTIONS["MA"]["key"]
    assert scoring.fraction(
        "matching", pairs, 0, [2, 0, 1], None, {"pairs": [1, 2, None]}
    ) == pytest.approx(2 / 3, abs=1e-3)
    assert scoring.fraction("essay", {}, 0, [], None, {"text": "…"}) is None
    assert scoring.read_number("2.340.000") == 2340000 and scoring.read_number("1.234,5") == 1234.5


def test_a_candidate_answers_every_kind_and_gets_partial_credit(client):
    session, [(attempt, password)] = _exam()
    response = client.post(
        reverse("exam:api_login"), {"number": attempt.number, "password": password},
        content_type="application/json",
    )
    token = response.json()["token"]
    paper = client.get(
        reverse("exam:api_attempt", args=[attempt.pk]), HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    text = paper.content.decode()
    for secret in SECRETS:
        assert secret not in text
    questions = {q["n"]: q for q in paper.json()["questions"]}
    kinds = {q["kind"] for q in questions.values()}
    assert kinds == {"multiple", "truefalse", "short", "numerical", "matching", "essay"}
    matching = next(q for q in questions.values() if q["kind"] == "matching")
    assert matching["stems"] == ["Bộ", "UBND", "Tòa án"]
    assert sorted(matching["options"]) == sorted(QUESTIONS["MA"]["options"])

    mr = _item(attempt, "MR")
    # one right (50 %), one wrong (-50 %)... then
    shown = [mr.option_order.index(0), mr.option_order.index(3)]
    assert _put(
        client, attempt, token, mr.n, {"response": {"choices": shown}, "seq": 1}
    ).json() == {"saved": 1}
    shown = [mr.option_order.index(0)]  # …the candidate unticks the wrong one: half credit
    assert _put(
        client, attempt, token, mr.n, {"response": {"choices": shown}, "seq": 2}
    ).json() == {"saved": 2}
    tf = _item(attempt, "TF")
    assert (
        _put(
            client, attempt, token, tf.n, {"choice": tf.option_order.index(1), "seq": 3}
        ).status_code
        == 200
    )
    sa = _item(attempt, "SA")
    assert (
        _put(
            client, attempt, token, sa.n, {"response": {"text": "thang long"}, "seq": 4}
        ).status_code
        == 200
    )
    nu = _item(attempt, "NU")
    assert (
        _put(client, attempt, token, nu.n, {"response": {"text": "3,14"}, "seq": 5}).status_code
        == 200
    )
    ma = _item(attempt, "MA")
    # 2 of 3 right
    given = [ma.option_order.index(0), ma.option_order.index(2), ma.option_order.index(2)]
    assert (
        _put(client, attempt, token, ma.n, {"response": {"pairs": given}, "seq": 6}).status_code
        == 200
    )
    es = _item(attempt, "ES")
    assert _put(client, attempt, token, es.n, {"response": {"text": "Công chức phục vụ nhân dân."},
                                               "seq": 7}).status_code == 200
    # A response that does not fit its question is refused (400), and a
    # choice on a response kind too.
    assert (
        _put(client, attempt, token, mr.n, {"response": {"choices": [9]}, "seq": 8}).status_code
        == 400
    )
    assert _put(client, attempt, token, ma.n, {"choice": 0, "seq": 9}).status_code == 400
    assert (
        _put(client, attempt, token, tf.n, {"response": {"text": "x"}, "seq": 10}).status_code
        == 400
    )
    # The saved responses come back with the paper (reload, another machine).
    answers = client.get(reverse("exam:api_attempt", args=[attempt.pk]),
                         HTTP_AUTHORIZATION=f"Bearer {token}").json()["answers"]
    assert answers[str(ma.n)]["response"] == {"pairs": given}

    result = client.post(
        reverse("exam:api_submit", args=[attempt.pk]), HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    scores = result.json()["scores"]["general"]
    # MR 0.5 + TF 1 + SA 0.5 + NU 1 + MA 2/3 = 3.67 of 5 (the essay waits for the examiners)
    assert scores["correct"] == pytest.approx(3.67, abs=0.01)
    assert scores["questions"] == 5 and scores["essays"] == 1
    assert Answer.objects.get(attempt=attempt, n=es.n).response == {
        "text": "Công chức phục vụ nhân dân."
    }


def test_negative_marking_follows_the_rounds_exam_rules(monkeypatch):
    session, [(attempt, _password)] = _exam()
    services.attempt_begin(attempt)
    attempt.refresh_from_db()
    mr = _item(attempt, "MR")
    services.answer_save(attempt=attempt, n=mr.n, choice=None, seq=1,
                         response={"choices": [mr.option_order.index(0), mr.option_order.index(2)]})
    assert services.score(attempt)["general"]["correct"] == 0  # off under TT 06/2020 and after
    monkeypatch.setattr(services, "negative_marking", lambda session: True)
    assert services.score(attempt)["general"]["correct"] == -0.5


def test_item_analysis_does_not_stumble_on_the_new_kinds():
    from recruitment.exam.analysis import analyse

    session, seated = _exam(candidates=3)
    for attempt, _password in seated:
        services.attempt_begin(attempt)
        attempt.refresh_from_db()
        ma = _item(attempt, "MA")
        services.answer_save(attempt=attempt, n=ma.n, choice=None, seq=1,
                             response={"pairs": [ma.option_order.index(0), None, None]})
        services.attempt_submit(attempt=attempt, reason="candidate")
    summaries = analyse(session)
    assert summaries["general"].questions == 5  # the essay is not in the statistics
    matching = Question.objects.get(family="MA").statistics.get()
    assert matching.facility == pytest.approx(1 / 3, abs=1e-3) and matching.distractors == {}


def test_the_exam_page_renders_every_kind_and_saves_them_without_javascript(client):
    session, [(attempt, password)] = _exam()
    client.post(reverse("exam:login"), {"number": attempt.number, "password": password})
    page = client.get(reverse("exam:paper")).content.decode()
    mr, ma, sa, es = (_item(attempt, f) for f in ("MR", "MA", "SA", "ES"))
    assert page.count(f'type="checkbox" name="q{mr.n}"') == 4
    assert page.count(f'<select id="q{ma.n}-') == 3 and "Tòa án" in page
    assert f'type="text" name="q{sa.n}"' in page and f'<textarea name="q{es.n}"' in page
    client.post(reverse("exam:paper"), {
        f"q{mr.n}": [str(mr.option_order.index(0)), str(mr.option_order.index(1))],
        f"q{ma.n}-0": str(ma.option_order.index(0)), f"q{ma.n}-1": "", f"q{ma.n}-2": "",
        f"q{sa.n}": "Hà Nội", f"q{es.n}": "Bài luận."})
    saved = dict(Answer.objects.filter(attempt=attempt).values_list("n", "response"))
    assert saved[mr.n] == {"choices": sorted([mr.option_order.index(0), mr.option_order.index(1)])}
    assert saved[ma.n] == {"pairs": [ma.option_order.index(0), None, None]}
    assert saved[sa.n] == {"text": "Hà Nội"} and saved[es.n] == {"text": "Bài luận."}
    page = client.get(reverse("exam:paper")).content.decode()
    assert 'value="Hà Nội"' in page and "Bài luận.</textarea>" in page
    client.post(reverse("exam:paper"), {"submit": "1"})
    result = client.get(reverse("exam:paper")).content.decode()
    assert "1 câu tự luận" in result  # the essay waits for the examiners


def test_essays_are_listed_for_the_examiners_on_the_session_page(client, provincial_hr):
    session, [(attempt, _password)] = _exam()
    services.attempt_begin(attempt)
    attempt.refresh_from_db()
    essay = _item(attempt, "ES")
    services.answer_save(
        attempt=attempt, n=essay.n, choice=None, seq=1, response={"text": "Công chức là công bộc."}
    )
    client.force_login(provincial_hr)
    page = client.get(reverse("recruitment:session_detail", args=[session.pk])).content.decode()
    listed = page.split('data-testid="essays"', 1)[1]
    assert attempt.number in listed and "Công chức là công bộc." in listed and "ES" in listed
