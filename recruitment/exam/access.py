"""Who reads and writes question banks and blueprints.

Question managers (``recruitment.manage_questions``: provincial HR and the question writers)
reach every bank. An exam-board member reaches the banks of the rounds they are granted: the
banks linked to the round and the banks its sessions' blueprints draw on. They read them with
``run_round`` on the round and write them with ``edit_questions`` on it (django-guardian grants
per round, given on the round's page)."""
from django.db.models import Q, QuerySet

from recruitment.models import Blueprint, QuestionBank, RecruitmentRound


def may_manage_questions(user) -> bool:
    return user.is_authenticated and not getattr(user, "is_candidate", False) and (
        user.is_superuser or user.has_perm("recruitment.manage_questions"))


def _banks_of(rounds: QuerySet[RecruitmentRound]) -> QuerySet[QuestionBank]:
    used = Blueprint.objects.filter(sessions__round__in=rounds).values("parts__rules__bank")
    return QuestionBank.objects.filter(Q(rounds__in=rounds) | Q(pk__in=used)).distinct()


def _granted(user, perm: str) -> QuerySet[RecruitmentRound]:
    """Rounds granted to the user as an exam-board member (the object grant itself: a unit's HR
    runs its agency's rounds but reads no question of them — banks are the board's secret)."""
    from guardian.shortcuts import get_objects_for_user

    if not user.is_authenticated or getattr(user, "is_candidate", False):
        return RecruitmentRound.objects.none()
    return get_objects_for_user(user, perm, klass=RecruitmentRound, accept_global_perms=False)


def visible_banks(user) -> QuerySet[QuestionBank]:
    if may_manage_questions(user):
        return QuestionBank.objects.all()
    return _banks_of(_granted(user, "recruitment.run_round"))


def editable_banks(user) -> QuerySet[QuestionBank]:
    if may_manage_questions(user):
        return QuestionBank.objects.all()
    return _banks_of(_granted(user, "recruitment.edit_questions"))


def may_see_banks(user) -> bool:
    return may_manage_questions(user) or visible_banks(user).exists()


def banks_in_menu(user) -> bool:
    """The menu's rule, asked on every page: no query for those who are neither question managers
    nor exam-board members (the role's view_questionbank permission is in the cached set)."""
    if may_manage_questions(user):
        return True
    return (
        user.is_authenticated
        and user.has_perm("recruitment.view_questionbank")
        and may_see_banks(user)
    )


def may_edit_bank(user, bank: QuestionBank) -> bool:
    return may_manage_questions(user) or editable_banks(user).filter(pk=bank.pk).exists()


def visible_blueprints(user) -> QuerySet[Blueprint]:
    """Blueprints whose every bank the user may read."""
    if may_manage_questions(user):
        return Blueprint.objects.all()
    hidden = QuestionBank.objects.exclude(pk__in=visible_banks(user).values("pk"))
    return (
        Blueprint.objects.exclude(parts__rules__bank__in=hidden)
        .filter(parts__isnull=False)
        .distinct()
    )
