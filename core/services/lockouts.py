"""Clearing login lockouts (django-axes) so that an account's owner may log in at once."""
from axes.utils import reset
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core import audit
from core.models import User

UNLOCK = "unlock"
PASSWORD_RESET = "password_reset"
# Registered here rather than in core.audit: these actions exist only with this module, which the
# URLconf imports (through the views) before any page shows an audit entry.
audit.register_action_labels({UNLOCK: _("login unlocked"),
                              PASSWORD_RESET: _("password reset by e-mail")})


def lockout_clear(*, actor, username: str, action: str = UNLOCK) -> int:
    """Forget the failed logins of ``username`` from every address; returns the rows removed.

    ``action`` says how: an administrator's unlock, or the owner's password reset by e-mail.
    When the name is an account, the audit trail records who cleared it; a name without an
    account (someone guessing) has nothing of ours to audit."""
    with transaction.atomic():
        removed = reset(username=username)
        account = User.objects.filter(username=username).first()
        if removed and account is not None:
            audit.record(actor=actor, obj=account, action=action)
    return removed
