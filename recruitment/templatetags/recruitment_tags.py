"""Template helpers of the recruitment papers: money in Vietnamese form and the national header."""
from django import template

register = template.Library()


@register.filter
def vnd(value) -> str:
    """An amount of đồng as Vietnamese write it: 500000 → "500.000 đ" (dots group thousands)."""
    if value in (None, ""):
        return ""
    try:
        amount = int(value)
    except (TypeError, ValueError):
        return str(value)
    return f"{amount:,}".replace(",", ".") + " đ"
