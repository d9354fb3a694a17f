"""The question editor's feedback per option and pictures: a picture uploaded for the question or
one of its options is stored with the new version (the approved one and its papers keep theirs),
carried to later versions, and reaches the candidate's paper only while the attempt runs."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from recruitment.exam import services
from recruitment.models import Question, QuestionImage
from tests.recruitment.test_exam_runtime import api, login, make_session
from tests.recruitment.test_question_editor import approved, form_data

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def bank(db):
    return services.bank_create(actor=None, code="ED", name="Soạn thảo", part="general")


def picture(name="so-do.png", content_type="image/png", data=PNG):
    return SimpleUploadedFile(name, data, content_type=content_type)


def _edit(client, question, **extra):
    data = form_data(client.get(question.get_absolute_url()).content.decode())
    data.update(extra)
    return client.post(question.get_absolute_url(), data)


def test_feedback_per_option_is_kept_for_the_board_and_shown_again(client, provincial_hr, bank):
    question = approved(bank, "FB", text="Cơ quan nào?", options=["Bộ", "Sở", "Phòng"], correct=0)
    client.force_login(provincial_hr)
    response = _edit(
        client,
        question,
        feedback_a="Đúng: Bộ là cơ quan của Chính phủ.",
        feedback_c="Phòng thuộc UBND cấp huyện.",
    )
    assert response.status_code == 302
    new = bank.questions.get(family="FB", version=2)
    assert new.feedback["options"] == [
        "Đúng: Bộ là cơ quan của Chính phủ.",
        "",
        "Phòng thuộc UBND cấp huyện.",
    ]
    page = client.get(new.get_absolute_url()).content.decode()
    assert 'value="Phòng thuộc UBND cấp huyện."' in page
    # Cleared again: the notes go.
    _edit(client, new, feedback_a="", feedback_c="")
    assert "options" not in bank.questions.get(family="FB", version=2).feedback


def test_pictures_of_the_question_and_an_option_reach_the_candidate_only_during_the_attempt(
    client, provincial_hr, bank
):
    question = approved(
        bank, "PIC", text="Sơ đồ nào đúng?", options=["Sơ đồ 1", "Sơ đồ 2"], correct=1
    )
    client.force_login(provincial_hr)
    response = _edit(client, question, picture=picture(), picture_b=picture("hai.png"))
    assert response.status_code == 302
    new = bank.questions.get(family="PIC", version=2)
    assert new.text_format == "html" and new.status == "draft"
    names = sorted(new.images.values_list("name", flat=True))
    assert len(names) == 2 and all(
        f"@@PLUGINFILE@@/{n}" in new.text + new.options[1] for n in names
    )
    assert not question.images.exists()  # version 1 and its papers are untouched
    # The bank's readers see the picture in the preview.
    image_url = reverse("recruitment:question_image", args=[new.pk, names[0]])
    assert client.get(image_url).content == PNG

    services.question_approve(actor=None, question=new)
    session, [(attempt, password)] = make_session(bank, count=1, candidates=1)
    client.logout()
    token = login(client, attempt, password)
    paper = api(client, "get", reverse("exam:api_attempt", args=[attempt.pk]), token).json()
    served = re.findall(
        r'src="([^"]+)"', paper["questions"][0]["text"] + " ".join(paper["questions"][0]["options"])
    )
    assert len(served) == 2
    assert api(client, "get", served[0], token).content == PNG
    api(client, "post", reverse("exam:api_submit", args=[attempt.pk]), token)
    assert api(client, "get", served[0], token).status_code == 404  # handed in: no more pictures


def test_a_new_version_carries_the_pictures_its_text_still_names(client, provincial_hr, bank):
    question = approved(bank, "CAR", text="Hình nào?", options=["A", "B"], correct=0)
    client.force_login(provincial_hr)
    _edit(client, question, picture=picture())
    second = bank.questions.get(family="CAR", version=2)
    services.question_approve(actor=None, question=second)
    data = form_data(client.get(second.get_absolute_url()).content.decode())
    data["topic"] = "Sơ đồ"
    assert client.post(second.get_absolute_url(), data).status_code == 302
    third = bank.questions.get(family="CAR", version=3)
    assert list(third.images.values_list("name", flat=True)) == list(
        second.images.values_list("name", flat=True)
    )
    assert (
        QuestionImage.objects.filter(question=second).count() == 1
    )  # the old version keeps its own


def test_a_file_that_is_no_picture_is_refused_and_nothing_is_saved(client, provincial_hr, bank):
    question = approved(bank, "BAD", text="Câu?", options=["A", "B"], correct=0)
    client.force_login(provincial_hr)
    response = _edit(
        client, question, picture=picture("virus.exe", "application/x-msdownload", b"MZ")
    )
    assert response.status_code == 200
    assert "Hình ảnh phải là tệp PNG, JPEG, GIF hoặc WebP." in response.content.decode()
    assert Question.objects.filter(family="BAD").count() == 1 and not QuestionImage.objects.exists()
