"""The exam board runs exam day: a member granted a round reads its banks, sessions and console;
with the edit grant they write the banks; other banks stay secret."""
import pytest
from django.urls import reverse

from recruitment import services as recruitment_services
from recruitment.exam import services
from recruitment.exam.access import editable_banks, visible_banks
from recruitment.models import Question
from tests.factories import UserFactory, make_round
from tests.recruitment.test_exam_runtime import make_bank, make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(world):
    round_ = make_round(world.unit_a1, code="TD-B", status="exams")
    bank = make_bank(code="KTC-R")
    other = make_bank(code="BIMAT")  # another round's secret
    session, _seated = make_session(bank, round_=None)
    session.round = round_
    session.save(update_fields=["round"])
    reader = UserFactory(username="hd_doc", role="exam_board")
    editor = UserFactory(username="hd_viet", role="exam_board")
    recruitment_services.board_grant(actor=None, round_=round_, user=reader)
    recruitment_services.board_grant(actor=None, round_=round_, user=editor, edit_questions=True)
    return {
        "round": round_, "bank": bank, "other": other, "session": session, "reader": reader,
        "editor": editor,
    }


def test_a_member_reads_the_banks_of_the_rounds_sessions_and_no_other(client, board):
    client.force_login(board["reader"])
    page = client.get(reverse("recruitment:bank_list")).content.decode()
    assert "KTC-R" in page and "BIMAT" not in page
    assert (
        client.get(reverse("recruitment:bank_detail", args=[board["other"].pk])).status_code == 404
    )
    assert (
        client.get(reverse("recruitment:bank_detail", args=[board["bank"].pk])).status_code == 200
    )


def test_a_member_runs_the_session_and_its_console(client, board):
    client.force_login(board["reader"])
    assert "Ca 1" in client.get(reverse("recruitment:session_list")).content.decode()
    assert client.get(reverse("recruitment:proctor", args=[board["session"].pk])).status_code == 200
    assert (
        client.get(reverse("recruitment:session_detail", args=[board["session"].pk])).status_code
        == 200
    )


def test_only_the_edit_grant_writes_a_question(client, board):
    question = board["bank"].questions.first()
    form = {
        "text": "Câu hỏi đã sửa?", "option_a": "Một", "option_b": "Hai", "option_c": "Ba",
        "option_d": "Bốn", "correct": "1", "topic": "", "difficulty": "medium",
    }
    client.force_login(board["reader"])
    assert (
        client.post(reverse("recruitment:question_detail", args=[question.pk]), form).status_code
        == 403
    )
    assert not Question.objects.filter(text="Câu hỏi đã sửa?").exists()
    client.force_login(board["editor"])
    assert (
        client.post(reverse("recruitment:question_detail", args=[question.pk]), form).status_code
        == 302
    )
    assert Question.objects.filter(text="Câu hỏi đã sửa?", family=question.family).exists()


def test_a_bank_linked_to_the_round_is_the_boards_too(board, provincial_hr):
    extra = services.bank_create(actor=None, code="TH-R", name="Tin học", part="it")
    assert extra not in visible_banks(board["reader"])
    recruitment_services.round_banks_set(actor=provincial_hr, round_=board["round"], banks=[extra])
    assert extra in visible_banks(board["reader"]) and extra in editable_banks(board["editor"])
    assert extra not in editable_banks(board["reader"])


def test_an_import_by_a_reader_into_the_rounds_bank_is_refused(board, tmp_path):
    from recruitment.exam.importers import QuestionImporter

    path = tmp_path / "ktc.txt"
    path.write_text("Thủ đô của Việt Nam?\nA. Hà Nội\nB. Huế\nANSWER: A\n", encoding="utf-8")
    summary = QuestionImporter(actor=board["reader"], bank="KTC-R",
                               writable=editable_banks(board["reader"])).run(path)
    assert (
        summary["created"] == 0 and summary["errors"] and "KTC-R" in summary["errors"][0]["message"]
    )
    summary = QuestionImporter(actor=board["editor"], bank="KTC-R",
                               writable=editable_banks(board["editor"])).run(path)
    assert summary["created"] == 1, summary
