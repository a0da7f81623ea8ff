"""What every request passes through before and after its view (listed in settings.MIDDLEWARE)."""

from django.http import HttpResponseBadRequest

from groups.rules import control_characters


class ControlCharacterMiddleware:
    """Answer 400 to a query string or form data holding a control character.

    No address or form here takes one, and some reach the database before any form could refuse
    them (PostgreSQL refuses a NUL in any text, failing the request). Query strings are refused
    any control character, line breaks included: every parameter is one line. Form data may carry
    line breaks, which text areas (notes, messages) send; the field's own rule refuses them in a
    one-line field, with a message beside it. A tab passes everywhere. The contents of uploaded
    files are not form data, and are not looked at here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        found = self.first_found(request.GET, multiline=False)
        if not found and request.method == "POST":
            found = self.first_found(request.POST, multiline=True)
        if found:
            return HttpResponseBadRequest(
                f"This request holds a control character (U+{ord(found):04X}), which no address "
                "or form here accepts. Check the link, or remove it from what you typed.",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)

    @staticmethod
    def first_found(data, multiline):
        for key, values in data.lists():
            for text in (key, *values):
                found = control_characters(text, multiline=multiline)
                if found:
                    return found[0]
        return None
