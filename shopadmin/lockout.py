"""The page a locked-out login gets (django-axes' AXES_LOCKOUT_CALLABLE).

axes replaces the login page's answer with this one when the user name and address have failed too often:
HTTP 429, in the admin's look and the request's language, saying how long the lockout lasts and that an
administrator can lift it sooner (Shop admin › Failed logins, or ``manage.py axes_reset_username``).
"""

import math

from axes.helpers import get_cool_off
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

LOCKOUT_STATUS = 429


def lockout_response(request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None):
    cool_off = get_cool_off(request)
    context = {
        **admin.site.each_context(request),
        "title": _("Login locked"),
        "minutes": math.ceil(cool_off.total_seconds() / 60) if cool_off else None,
    }
    response = TemplateResponse(request, "admin/login_locked_out.html", context, status=LOCKOUT_STATUS)
    return response.render()
