"""Suggestions from the public: "report a problem" and "suggest a new meeting"."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_safe

from groups.forms import SuggestionForm
from groups.models import Meeting
from groups.throttle import CountUnavailable, over_limit

# Each client may send this many in a window; the count lives in Django's cache, which every
# gunicorn worker shares (the database cache by default).
SUGGESTIONS_PER_WINDOW = 10
SUGGESTION_WINDOW_SECONDS = 3600

logger = logging.getLogger(__name__)


def notify_editors(request, change_request):
    recipients = change_request.recipients()
    if not recipients:
        return
    # In the site's own language, whichever language the visitor wrote from: editors share it.
    with translation.override(settings.LANGUAGE_CODE):
        review_url = request.build_absolute_uri(
            reverse("admin:groups_changerequest_change", args=[change_request.pk])
        )
        lines = [f"{change_request} ({change_request.program.short_name})", ""]
        lines += [
            f"{label}: {current or '-'} -> {proposed or '-'}"
            for label, current, proposed in change_request.comparison()
        ]
        if change_request.message:
            lines += ["", gettext("Message:"), change_request.message]
        lines += ["", gettext("Review it: %(url)s") % {"url": review_url}]
        subject = gettext("Suggestion to review: %(suggestion)s") % {"suggestion": change_request}
    try:
        send_mail(subject, "\n".join(lines), None, recipients)
    except OSError:
        # The suggestion is queued either way; editors also see it in admin.
        logger.exception("Could not email editors about suggestion %s", change_request.pk)


def refusal(request):
    """(message, status) when this client may not send a suggestion now, else None."""
    try:
        if not over_limit(request, "suggest", SUGGESTIONS_PER_WINDOW, SUGGESTION_WINDOW_SECONDS):
            return None
    except CountUnavailable:
        # Refused, not let through uncounted; the form keeps what the visitor typed.
        return (
            gettext(
                "We cannot take suggestions just now, so nothing was sent. What you typed is "
                "still below: please try again in a few minutes."
            ),
            503,
        )
    return (
        gettext("You have sent many suggestions in a short time. Please try again in an hour."),
        429,
    )


def suggest(request, meeting=None):
    form = SuggestionForm(request.POST or None, meeting=meeting)
    status = 200
    if request.method == "POST":
        refused = refusal(request)
        if refused:
            message, status = refused
            form.add_error(None, message)
        elif form.is_valid():
            if not form.is_spam:
                notify_editors(request, form.save())
            return redirect("groups:suggest_thanks")
        else:
            status = 400
    context = {"form": form, "meeting": meeting}
    return render(request, "groups/suggest.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def suggest_change(request, slug):
    meeting = get_object_or_404(Meeting.objects.select_related("program", "location"), slug=slug)
    return suggest(request, meeting)


@require_http_methods(["GET", "HEAD", "POST"])
def suggest_meeting(request):
    return suggest(request)


@require_safe
def suggest_thanks(request):
    return render(request, "groups/suggest_thanks.html")
