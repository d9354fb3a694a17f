"""The question editor cannot lose a key: 2 to 8 options, the key chosen among them (a radio for
single choice, weights for multiple response), the other types' own fields, a new version on save
(papers keep theirs), and a preview as the candidate sees it."""
import re

import pytest

from recruitment.exam import services
from recruitment.forms import QuestionForm
from recruitment.models import Question

pytestmark = pytest.mark.django_db

LETTERS = "ABCDEFGH"


def approved(bank, family, **values):
    services.question_save(actor=None, bank=bank, family=family, **values)
    question = bank.questions.get(family=family)
    services.question_approve(actor=None, question=question)
    return question


@pytest.fixture
def bank(db):
    return services.bank_create(actor=None, code="ED", name="Soạn thảo", part="general")


def form_data(page: str) -> dict:
    """What the browser sends back when the page's form is saved as it is shown."""
    data = {}
    for name, value in re.findall(
        r'<input type="text"[^>]*name="(option_[a-h])"[^>]*value="([^"]*)"', page
    ):
        data[name] = value
    checked = re.search(r'name="correct" value="(\d)"[^>]*checked', page)
    if checked:
        data["correct"] = checked.group(1)
    data["kind"] = re.search(r'<option value="(\w+)" selected>', page).group(1)
    data["text"] = (
        re.search(r'<textarea name="text"[^>]*>\s*([^<]*)</textarea>', page).group(1).strip()
    )
    data["difficulty"] = "medium"
    return data


def test_a_six_option_question_keyed_f_keeps_f_and_becomes_a_new_version(
    client, provincial_hr, bank
):
    options = ["Một", "Hai", "Ba", "Bốn", "Năm", "Sáu"]
    question = approved(bank, "SIX", text="Câu sáu phương án?", options=options, correct=5)
    client.force_login(provincial_hr)
    page = client.get(question.get_absolute_url()).content.decode()
    data = form_data(page)
    assert [data[f"option_{c}"] for c in "abcdef"] == options and data["correct"] == "5"
    data["text"] = "Câu sáu phương án (đã sửa)?"
    response = client.post(question.get_absolute_url(), data)
    assert response.status_code == 302
    new = bank.questions.get(family="SIX", version=2)
    assert (new.options, new.correct, new.status) == (options, 5, "draft")
    question.refresh_from_db()
    assert question.status == "approved" and question.options == options  # papers keep version 1


@pytest.mark.parametrize("count", [2, 3, 5, 8])
def test_two_to_eight_options_with_the_key_on_the_last(client, provincial_hr, bank, count):
    question = approved(bank, "N", text="Câu?", options=["X", "Y"], correct=0)
    client.force_login(provincial_hr)
    data = {
        "kind": "single",
        "text": "Câu có nhiều phương án?",
        "correct": str(count - 1),
        "difficulty": "easy",
        **{f"option_{LETTERS[i].lower()}": f"Phương án {i + 1}" for i in range(count)},
    }
    assert client.post(question.get_absolute_url(), data).status_code == 302
    new = bank.questions.get(family="N", version=2)
    assert len(new.options) == count and new.correct == count - 1


def test_a_key_without_its_option_or_a_gap_is_refused(client, provincial_hr, bank):
    question = approved(bank, "G", text="Câu?", options=["X", "Y"], correct=0)
    client.force_login(provincial_hr)
    page = client.post(
        question.get_absolute_url(),
        {
            "kind": "single", "text": "Câu?", "option_a": "X", "option_b": "Y", "correct": "4",
            "difficulty": "easy",
        },
    )
    assert page.status_code == 200 and "phải là một trong các phương án" in page.content.decode()
    page = client.post(
        question.get_absolute_url(),
        {
            "kind": "single", "text": "Câu?", "option_a": "X", "option_c": "Z", "correct": "0",
            "difficulty": "easy",
        },
    )
    assert page.status_code == 200 and bank.questions.count() == 1


def test_multiple_response_weights_and_the_other_types_round_trip_through_the_form(
    client, provincial_hr, bank
):
    client.force_login(provincial_hr)
    cases = [
        approved(
            bank, "MR", text="Chọn các bộ", options=["Nội vụ", "Tài chính", "Quốc hội"], correct=0,
            kind="multiple", key={"weights": [50, 50, -100]},
        ),
        approved(
            bank, "SA", text="Thủ đô?", options=[], correct=0, kind="short",
            key={
                "answers": [
                    {"text": "Hà Nội", "weight": 100},
                    {"text": "Thăng Long", "weight": 50},
                ],
                "case_sensitive": False,
                "diacritics": False,
            },
        ),
        approved(
            bank,
            "NU",
            text="Pi?",
            options=[],
            correct=0,
            kind="numerical",
            key={"answers": [{"value": 3.14, "tolerance": 0.01, "weight": 100}]},
        ),
        approved(
            bank, "MA", text="Ghép", options=["Bộ trưởng", "Chủ tịch", "Giám đốc"], correct=0,
            kind="matching", key={"pairs": [["Bộ", 0], ["UBND", 1]]},
        ),
        approved(
            bank, "TF", text="Đúng không?", options=["Đúng", "Sai"], correct=1, kind="truefalse"
        ),
        approved(bank, "ES", text="Viết luận", options=[], correct=0, kind="essay"),
    ]
    for question in cases:
        initial = QuestionForm.initial_for(question)
        data = {k: ("on" if v is True else v) for k, v in initial.items() if v not in (None, False)}
        data["text"] = question.text + " (sửa)"
        assert client.post(question.get_absolute_url(), data).status_code == 302, question.family
        new = bank.questions.get(family=question.family, version=2)
        assert (new.kind, new.options, new.correct) == (
            question.kind, question.options, question.correct,
        )
        assert new.key == question.key, question.family
    # Weights that do not reach 100 % are refused.
    mr = cases[0]
    data = {
        **{k: v for k, v in QuestionForm.initial_for(mr).items() if v is not None},
        "weight_b": "20",
    }
    page = client.post(mr.get_absolute_url(), data)
    assert page.status_code == 200 and "100 %" in page.content.decode()


def test_the_preview_is_the_candidates_question(client, provincial_hr, bank):
    question = approved(
        bank, "MA", text="Ghép cơ quan", options=["Bộ trưởng", "Chủ tịch"], correct=0,
        kind="matching", key={"pairs": [["Bộ", 0], ["UBND", 1]]},
    )
    client.force_login(provincial_hr)
    page = client.get(question.get_absolute_url()).content.decode()
    preview = page.split('data-testid="question-preview"', 1)[1]
    assert 'data-kind="matching"' in preview and preview.count("<select") == 2 and "UBND" in preview
    assert Question.objects.get(pk=question.pk).kind == "matching"


def test_an_html_question_is_stored_sanitised_when_edited(client, provincial_hr, bank):
    services.question_save(
        actor=None, bank=bank, family="H", text="<p>Câu <b>đậm</b></p>", options=["Có", "Không"],
        correct=0, text_format="html",
    )
    question = bank.questions.get(family="H")
    client.force_login(provincial_hr)
    dirty = '<p onclick="x()">Câu <b>đậm</b><script>alert(1)</script></p>'
    data = {**QuestionForm.initial_for(question), "text": dirty}
    data = {k: v for k, v in data.items() if v is not None and v is not False}
    assert client.post(question.get_absolute_url(), data).status_code == 302
    question.refresh_from_db()
    assert question.text == "<p>Câu <b>đậm</b></p>"
    page = client.get(question.get_absolute_url()).content.decode()
    assert "<b>đậm</b>" in page.split('data-testid="question-preview"', 1)[1]
