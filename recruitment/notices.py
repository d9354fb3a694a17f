"""E-mails to candidates: the confirmation of their address, and a message at each step of their
application (reviewed, summoned, results published, appeal answered).

Every message goes through Django's mail backend (console in development, locmem in tests, SMTP in
production). The message of a step is sent after the transaction that decided it commits: a
rolled-back decision sends nothing, and each decision sends one message. The account's messages
follow no decision and are sent at once. The text is written in the site's language
(settings.LANGUAGE_CODE) whatever page triggered it, with the round's name and a link to the
candidate's own page.
"""
import logging

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

VERIFY_SALT = "recruitment.candidate-email"
VERIFY_MAX_AGE = 3 * 24 * 3600  # a confirmation link lasts three days


def site_url(path: str, request=None) -> str:
    if request is not None:
        return request.build_absolute_uri(path)
    return f"{getattr(settings, 'SITE_URL', '').rstrip('/')}{path}"


def _send_now(*, to: str, subject: str, body: str) -> None:
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
    except Exception:  # a mail server down must not undo the board's decision
        logger.exception("e-mail to a candidate failed")


def _send_on_commit(*, to: str, subject: str, body: str) -> None:
    if to:
        transaction.on_commit(lambda: _send_now(to=to, subject=subject, body=body))


def _signature() -> str:
    return _(
        "\n\nCông vụ – recruitment of civil servants\n"
        "(This message is sent automatically; do not reply.)"
    )


# --- the account ----------------------------------------------------------------------------------

def verification_link(user, request=None) -> str:
    token = signing.dumps({"u": user.pk, "e": user.email}, salt=VERIFY_SALT)
    return site_url(reverse("recruitment:verify", args=[token]), request)


def _mail_allowed(kind: str, user) -> bool:
    """At most MAILS_PER_HOUR messages of one kind to one account in an hour: the resend and the
    register pages are open to anyone, who must not turn them into a way to flood a mailbox."""
    from django.core.cache import caches

    cache, key = caches["throttle"], f"candidate-mail:{kind}:{user.pk}"
    cache.add(key, 0, timeout=3600)
    try:
        sent = cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, timeout=3600)
        sent = 1
    return sent <= MAILS_PER_HOUR


MAILS_PER_HOUR = 5


def send_verification(user, request=None) -> None:
    if not _mail_allowed("verify", user):
        logger.warning("confirmation e-mail to account %s held back: too many in an hour", user.pk)
        return
    with translation.override(settings.LANGUAGE_CODE):
        _send_now(
            to=user.email, subject=_("Confirm your e-mail address – Công vụ"),
            body=_("Hello %(name)s,\n\nTo finish creating your candidate "
                   "account, open this link within three days:\n%(link)s\n\n"
                   "If you did not ask for an account, ignore this message.")
            % {"name": user.full_name, "link": verification_link(user, request)} + _signature())


def send_existing_account_notice(user, request=None) -> None:
    """Someone registered with an address that has an account: its owner is told (the page shown
    to whoever registered is the usual "check your mail", so it reveals nothing)."""
    if not _mail_allowed("existing", user):
        return
    with translation.override(settings.LANGUAGE_CODE):
        _send_now(
            to=user.email, subject=_("You already have an account – Công vụ"),
            body=_("Hello %(name)s,\n\nSomeone, probably you, tried to create a candidate account "
                   "with this address, which already has an account. Log in here:\n%(login)s\n\n"
                   "If you have forgotten the password, choose a new one here:\n%(reset)s\n\n"
                   "If it was not you, ignore this message: nothing was changed.")
            % {"name": user.full_name, "login": site_url(reverse("login"), request),
               "reset": site_url(reverse("core:password_reset"), request)} + _signature())


# --- the steps of an application ------------------------------------------------------------------

def _application_mail(application, subject: str, text: str) -> None:
    to = application.email or (application.candidate.email if application.candidate_id else "")
    if not to:
        return
    link = site_url(reverse("recruitment:my_application", args=[application.pk]))
    body = _("Hello %(name)s,\n\n%(text)s\n\nRound: %(round)s\nYour application: %(link)s") % {
        "name": application.full_name, "text": text, "round": application.round.name, "link": link}
    _send_on_commit(
        to=to, subject=f"{subject} – {application.round.name}", body=body + _signature()
    )


def application_reviewed(application) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        if application.status == application.Status.ELIGIBLE:
            text = _("Your application has been reviewed: you meet the conditions and may sit the "
                     "exams. Your exam number and the summons follow in another message.")
            subject = _("Your application is accepted")
        else:
            text = _(
                "Your application has been reviewed: it does "
                "not meet the conditions.\nReason: %(reason)s"
            ) % {"reason": application.rejection_reason}
            subject = _("Your application is not accepted")
        _application_mail(application, subject, text)


def summons_ready(application) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        link = site_url(reverse("recruitment:my_summons", args=[application.pk]))
        text = _(
            "Your exam number is %(number)s. Print the summons "
            "(time, room and what to bring) here:\n%(link)s"
        ) % {"number": application.number, "link": link}
        _application_mail(application, _("Summons to the exams"), text)


def results_published(application) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        text = _("The results of the round are published. Your result and your scores are on your "
                 "page; a request for re-marking can be made there within the deadline.")
        _application_mail(application, _("Results published"), text)


def appeal_answered(appeal) -> None:
    from recruitment.services import component_label

    with translation.override(settings.LANGUAGE_CODE):
        text = _(
            "Your request for re-marking of the %(part)s "
            "exam has been answered.\nAnswer: %(answer)s"
        ) % {"part": component_label(appeal.component), "answer": appeal.answer or "—"}
        if appeal.new_score is not None:
            score = f"{appeal.new_score:.2f}".replace(".", ",")
            text += "\n" + _("Score after re-marking: %(score)s") % {"score": score}
        _application_mail(appeal.application, _("Your re-marking request is answered"), text)
