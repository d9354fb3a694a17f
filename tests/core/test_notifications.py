"""Notifications: told once per fact, e-mailed once, each user reads and marks only their own."""
import pytest
from django.core import mail
from django.urls import reverse

from core.models import Notification
from core.services.notifications import (
    notifications_email,
    notify,
    officers_by_unit,
    unit_hr_officers,
)
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db


def test_the_officers_of_a_unit_are_those_who_manage_it_or_a_unit_above_and_provincial_hr(
        world, officer_a, officer_b, viewer_a, officer_parent, provincial_hr, group_grant_user):
    assert set(unit_hr_officers(world.unit_a1)) == {officer_a, officer_parent, provincial_hr}
    assert set(unit_hr_officers(world.unit_b)) == {officer_b, officer_parent, provincial_hr,
                                                   group_grant_user}
    by_unit = officers_by_unit([world.unit_a, world.unit_b])
    assert viewer_a not in by_unit[world.unit_a.pk]  # a view grant is not an HR officer's


def test_an_inactive_officer_is_not_told(world, officer_a):
    officer_a.is_active = False
    officer_a.save()
    assert officer_a not in unit_hr_officers(world.unit_a1)


def test_notify_tells_each_recipient_once_per_key(world, officer_a, officer_b):
    assert notify(recipients=[officer_a, officer_b], kind="test", key="fact-1", title="Việc 1") == 2
    assert notify(recipients=[officer_a, officer_b], kind="test", key="fact-1", title="Việc 1") == 0
    assert notify(recipients=[officer_a], kind="test", key="fact-2", title="Việc 2") == 1
    assert Notification.objects.filter(recipient=officer_a).count() == 2


def test_new_notifications_are_emailed_once_in_one_message_per_recipient(
    settings, world, officer_a, officer_b):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    notify(recipients=[officer_a, officer_b], kind="test", key="fact-1",
           title="Thông báo nghỉ hưu: Lê Văn Tám")
    notify(recipients=[officer_a], kind="test", key="fact-2", title="Nâng bậc lương: Trần Thị Chín")
    assert notifications_email() == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([officer_a.email, officer_b.email])
    to_a = next(m for m in mail.outbox if m.to == [officer_a.email])
    assert "Lê Văn Tám" in to_a.body and "Trần Thị Chín" in to_a.body
    assert notifications_email() == 0 and len(mail.outbox) == 2
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def test_a_recipient_without_an_address_is_not_emailed(settings, world):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    user = grant(UserFactory(username="no_mail", email=""), world.unit_a)
    notify(recipients=[user], kind="test", key="k", title="T")
    assert notifications_email() == 0 and mail.outbox == []


def test_the_bell_counts_the_unread_and_the_page_lists_only_mine(client, world, officer_a,
                                                                 officer_b):
    notify(recipients=[officer_a], kind="test", key="a1", title="Của cán bộ A")
    notify(recipients=[officer_a], kind="test", key="a2", title="Cũng của A")
    notify(recipients=[officer_b], kind="test", key="b1", title="Của cán bộ B")
    client.force_login(officer_a)
    bell = client.get(reverse("core:notification_bell"))
    assert 'data-testid="unread-count">2' in bell.content.decode()
    page = client.get(reverse("core:notification_list")).content.decode()
    assert "Của cán bộ A" in page and "Của cán bộ B" not in page


def test_marking_read_one_and_all_touches_only_my_own(client, world, officer_a, officer_b):
    notify(recipients=[officer_a, officer_b], kind="test", key="x", title="X",
           url="/people/retirement/")
    notify(recipients=[officer_a], kind="test", key="y", title="Y")
    mine = Notification.objects.get(recipient=officer_a, key="x")
    theirs = Notification.objects.get(recipient=officer_b, key="x")
    client.force_login(officer_a)
    response = client.post(reverse("core:notification_read"), {"id": mine.pk, "open": "1"})
    assert response.status_code == 302 and response["Location"] == "/people/retirement/"
    client.post(reverse("core:notification_read"), {"id": theirs.pk})
    theirs.refresh_from_db()
    assert theirs.read_at is None
    client.post(reverse("core:notification_read"))
    assert not Notification.objects.filter(recipient=officer_a, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=officer_b, read_at__isnull=True).count() == 1
    bell = client.get(reverse("core:notification_bell")).content.decode()
    assert "unread-count" not in bell


def test_notify_many_tells_each_recipient_once_per_key(world, officer_a, officer_b):
    from core.services.notifications import Notice, notify_many

    facts = [Notice((officer_a, officer_b), "test", "k1", "Một"),
             Notice((officer_a,), "test", "k2", "Hai")]
    assert notify_many(facts) == 3
    assert notify_many([*facts, Notice((officer_b,), "test", "k2", "Hai")]) == 1
    assert Notification.objects.filter(recipient=officer_b).count() == 2
