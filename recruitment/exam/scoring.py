"""The credit of one answer, per question type, as a fraction of the question (partial credit).

Single choice and true/false: the chosen option (shown index, mapped through the paper's
``option_order``) is the key or not. Multiple response: the sum of the chosen options' weights
(per cent of the question; wrong options may weigh less than zero), limited to 0..1 as Moodle
does — or to -1..1 when the round's exam rules use negative marking (recruitment/exam/rules.py,
off under TT 06/2020 and its successors). Short answer: the best weight of an accepted answer the
text equals (``*`` matches anything; case and diacritics ignored unless the question says
otherwise). Numerical: the best weight of an answer within its tolerance ("2,34" reads as 2.34).
Matching: the share of stems given their right counterpart. Essay: not scored here (None): the
examiners mark it.
"""
import dataclasses
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from core.rules import registry
from recruitment.exam import rules  # noqa: F401 - the exam rule sets, registered first

CHOICE_KINDS = ("single", "truefalse")  # the fast path: Answer.choice, no response JSON

# Negative marking is the exam board's choice per session (marking.session_negative_marking_set):
# the session then records the "+NEG" variant of its exam rules, registered here beside each rule
# set of the family so that services.score finds it in every process that scores (web, worker).
NEGATIVE_SUFFIX = "+NEG"
NEGATIVE_FAMILY = "exam-negative"  # its own family: registry.for_date("exam") never picks a variant


def _register_negative_variants() -> None:
    for rule_set in registry.family("exam"):
        registry.register(dataclasses.replace(
            rule_set, code=f"{rule_set.code}{NEGATIVE_SUFFIX}", family=NEGATIVE_FAMILY,
            negative_marking=True, title=f"{rule_set.title} (có trừ điểm lựa chọn sai)"))


def has_negative_variant(code: str) -> bool:
    try:
        registry.get(f"{code}{NEGATIVE_SUFFIX}")
    except LookupError:
        return False
    return True


_register_negative_variants()


def normalise(text: str, *, case_sensitive: bool = False, diacritics: bool = False) -> str:
    """A short answer as compared: NFC, spaces collapsed; case and diacritics folded unless kept."""
    value = " ".join(unicodedata.normalize("NFC", str(text or "")).split())
    if not diacritics:  # case kept: core.text.unaccent would lower it
        decomposed = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
        value = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return value if case_sensitive else value.casefold()


def _pattern(accepted: str, **options) -> re.Pattern:
    parts = [re.escape(normalise(p, **options)) for p in accepted.split("*")]
    return re.compile(".*".join(parts), re.DOTALL)


def read_number(text) -> Decimal | None:
    """A candidate's number: Vietnamese "2,34" or "1.234,5", or "2.34"; None if it is not one."""
    value = str(text or "").strip().replace(" ", "").replace("\u00a0", "")
    if not value:
        return None
    if "," in value and "." in value:  # the last separator is the decimal one
        value = value.replace(".", "").replace(",", ".") if value.rfind(",") > value.rfind(".") \
            else value.replace(",", "")
    elif "," in value:
        value = value.replace(",", ".")
    elif value.count(".") > 1:  # 2.340.000: thousands
        value = value.replace(".", "")
    try:
        number = Decimal(value)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _clamp(value: float, negative: bool) -> float:
    return round(max(-1.0 if negative else 0.0, min(1.0, value)), 4)


def fraction(kind: str, key: dict, correct: int, order: list[int], choice: int | None, response,
             *, negative: bool = False) -> float | None:
    """The candidate's credit for one question, from -1 (negative marking) or 0 to 1; None for an
    essay (marked by the examiners)."""
    key = key or {}
    if kind == "essay":
        return None
    if kind in CHOICE_KINDS or not kind:
        if choice is None or not 0 <= choice < len(order):
            return 0.0
        if key.get("weights"):  # GIFT "=right ~%50%half right": partial credit for one option
            weights = key["weights"]
            return _clamp(
                weights[order[choice]] / 100 if order[choice] < len(weights) else 0.0, False
            )
        return 1.0 if order[choice] == correct else 0.0
    response = response if isinstance(response, dict) else {}
    if kind == "multiple":
        weights = key.get("weights", [])
        shown = {
            c for c in response.get("choices", []) if isinstance(c, int) and 0 <= c < len(order)
        }
        return _clamp(
            sum(weights[order[c]] for c in shown if order[c] < len(weights)) / 100, negative
        )
    if kind == "short":
        options = {
            "case_sensitive": bool(key.get("case_sensitive")),
            "diacritics": bool(key.get("diacritics")),
        }
        given = normalise(response.get("text", ""), **options)
        if not given:
            return 0.0
        weights = [a.get("weight", 100) for a in key.get("answers", [])
                   if _pattern(a.get("text", ""), **options).fullmatch(given)]
        return _clamp(max(weights, default=0) / 100, False)
    if kind == "numerical":
        value = read_number(response.get("text"))
        if value is None:
            return 0.0
        weights = [a.get("weight", 100) for a in key.get("answers", [])
                   if abs(value - Decimal(str(a["value"]))) <= Decimal(str(a.get("tolerance", 0)))]
        return _clamp(max(weights, default=0) / 100, False)
    if kind == "matching":
        pairs = key.get("pairs", [])
        given = response.get("pairs", [])
        if not pairs:
            return 0.0
        right = 0
        for i, (_left, answer) in enumerate(pairs):
            shown = given[i] if i < len(given) else None
            if isinstance(shown, int) and 0 <= shown < len(order) and order[shown] == answer:
                right += 1
        return round(right / len(pairs), 4)
    return 0.0


def points(value: float) -> float | int:
    """A part's total as the result sheet shows it: whole numbers stay whole."""
    value = round(value, 2)
    return int(value) if value == int(value) else value
