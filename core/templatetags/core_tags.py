from django import forms, template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def bs_field(field) -> str:
    """One form field with Bootstrap classes, its label, help text and errors tied by aria
    attributes."""
    widget = field.field.widget
    is_check = isinstance(widget, forms.CheckboxInput)
    is_radio = isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple)
    if is_check:
        css = "form-check-input"
    elif is_radio:
        css = ""
    elif isinstance(widget, forms.Select | forms.SelectMultiple):
        css = "form-select"
    else:
        css = "form-control"
    attrs = {"class": f"{css} {'is-invalid' if field.errors else ''}".strip()}
    described = [f"{field.auto_id}_help"] if field.help_text else []
    if field.errors:
        described.append(f"{field.auto_id}_error")
        attrs["aria-invalid"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    html = render_to_string("components/field.html", {
        "field": field, "widget": field.as_widget(attrs=attrs), "is_check": is_check,
        "is_radio": is_radio})
    return mark_safe(html)  # noqa: S308 - rendered by Django's autoescaping template


@register.simple_tag(takes_context=True)
def query_replace(context, **kwargs) -> str:
    """The current query string with some parameters replaced (for pagination and filters)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        query[key] = value
    return query.urlencode()


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def indent(depth) -> range:
    return range(int(depth or 0))


@register.filter
def pct_class(percent) -> str:
    """A width class in steps of 5 % (inline styles are blocked by the content security policy)."""
    value = max(0, min(100, int(percent or 0)))
    return f"w-pct-{5 * round(value / 5)}"


@register.filter
def rule_name(value) -> str:
    """A rule set as users read it: its title (“Lộ trình tuổi nghỉ hưu từ năm 2021”), not its code.
    Takes a code or a rule set; an unknown code is shown as given."""
    from core.rules.registry import RuleSetNotFound, get

    if not value:
        return ""
    if hasattr(value, "title") and hasattr(value, "code"):
        return value.title
    try:
        return get(str(value)).title
    except RuleSetNotFound:
        return str(value)
