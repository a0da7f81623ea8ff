"""What every request passes through before and after its view (listed in settings.MIDDLEWARE)."""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.log import log_response
from django.utils.translation import gettext_lazy as _

from groups import rules

QUERY_REFUSED = _("It was in the address, after the “?”: please check the link.")
FORM_REFUSED = _("It was in the form sent, and nothing was saved: please remove it and send again.")

outage_logger = logging.getLogger("groups.outage")


class LanguageFromPathMiddleware:
    """Speak the language the address names: /es/... is Spanish, every other address English.

    Django's LocaleMiddleware would also read a cookie and Accept-Language, and mark every
    unprefixed page as varying with Accept-Language; here one address always gives one language,
    so a link, a bookmark or a cached copy shows what it showed before. A visitor chooses the
    other language with the switch on every page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        # Only for this request: the thread serves the next one in its own language.
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class PermissionsPolicyMiddleware:
    """Send settings.PERMISSIONS_POLICY: which browser features pages here may use."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class ControlCharacterMiddleware:
    """Answer 400 to a query string or form data holding a control character.

    No address or form here takes one, and some reach the database before any form could refuse
    them (PostgreSQL refuses a NUL in any text, failing the request). Query strings are refused
    any control character, line breaks included: every parameter is one line. Form data may carry
    line breaks, which text areas (notes, messages) send; the field's own rule refuses them in a
    one-line field, with a message beside it. A tab passes everywhere. The contents of uploaded
    files are not form data, and are not looked at here. The answer is the rule's own words
    (groups.rules), saying where the character was.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = self.refusal(request.GET, rules.validate_single_line, QUERY_REFUSED)
        if not problem and request.method == "POST":
            problem = self.refusal(request.POST, rules.validate_multiline, FORM_REFUSED)
        if problem:
            return HttpResponseBadRequest(problem, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    @staticmethod
    def refusal(data, validate, where):
        for key, values in data.lists():
            for text in (key, *values):
                try:
                    validate(text)
                except ValidationError as error:
                    return f"{error.messages[0]}\n{where}\n"
        return None


class DatabaseUnavailableMiddleware:
    """Answer 503 with a page that needs no database while the database cannot be reached.

    Connecting and querying both raise OperationalError or InterfaceError when the server is
    stopped, restarting or out of reach (on SQLite: the file cannot be opened, or stays locked).
    A view or template meeting one answers 503 with ``Retry-After`` instead of a 500, and the log
    gets one line for it instead of a traceback. Django closes a connection that failed at the end
    of the request, so the next request connects afresh and the site recovers by itself.
    """

    RETRY_AFTER_SECONDS = 30

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        # No request context: its processors (the sample-data notice, the signed-in user and
        # their messages) would each ask the database again.
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(self.RETRY_AFTER_SECONDS)
        add_never_cache_headers(response)
        reason = str(exception).strip().splitlines()[0] if str(exception).strip() else ""
        # log_response marks the response as logged, so Django does not log it a second time.
        log_response(
            "Database unavailable, answered 503 to %s %s (%s: %s)",
            request.method,
            request.path,
            exception.__class__.__name__,
            reason,
            response=response,
            request=request,
            logger=outage_logger,
            level="error",
        )
        return response
