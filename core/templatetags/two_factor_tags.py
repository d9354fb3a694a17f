from django import template

from core.two_factor import confirmed_device

register = template.Library()


@register.simple_tag
def two_factor_device(account):
    """The account's confirmed TOTP device (None when it has not enrolled)."""
    return confirmed_device(account)
