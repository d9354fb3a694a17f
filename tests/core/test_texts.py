"""Texts a user reads: no "---------" in a select, headings in the language of the request."""
from django.urls import reverse

from tests.factories import make_servant


def test_an_empty_choice_reads_choose_in_vietnamese(client, world, officer_a):
    servant = make_servant(world.unit_a)
    client.force_login(officer_a)
    page = client.get(reverse("personnel:servant_assign", args=[servant.pk])).content.decode()
    assert "---------" not in page
    assert "— chọn —" in page


def test_action_headings_follow_the_language_of_the_request(client, world, officer_a):
    servant = make_servant(world.unit_a)
    client.force_login(officer_a)
    url = reverse("personnel:servant_salary", args=[servant.pk])
    assert "Nâng bậc lương, chuyển ngạch" in client.get(url).content.decode()
    client.cookies["django_language"] = "en"
    page = client.get(url).content.decode()
    assert "Salary step or rank" in page
    assert "Nâng bậc lương, chuyển ngạch" not in page


def test_the_minutes_of_a_meeting_are_not_minutes_of_time():
    from django.utils import translation

    from appraisal.models import ReviewMeeting

    with translation.override("vi"):
        assert str(ReviewMeeting._meta.get_field("minutes").verbose_name) == "biên bản"
