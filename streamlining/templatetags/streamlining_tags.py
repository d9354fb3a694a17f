from django import template

from streamlining import rules

register = template.Library()


@register.filter
def vnd(value) -> str:
    """Whole đồng with dots between thousands, as on Vietnamese payment documents: 15.356.250."""
    if value in (None, ""):
        return "—"
    return f"{int(value):,}".replace(",", ".")


@register.filter
def amount_label(key: str) -> str:
    return rules.AMOUNT_LABELS.get(key, key)


@register.filter
def years_months(months) -> str:
    if months is None:
        return "—"
    return f"{months // 12} năm {months % 12} tháng"
