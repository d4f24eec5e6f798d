"""The admin home page's "start of the day" block (templates/admin/index.html)."""

from django import template

from ..admin.selectors import merchant_day_items

register = template.Library()


@register.simple_tag
def merchant_day():
    return merchant_day_items()
