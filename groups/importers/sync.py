"""Syncing a source: fetch it (conditionally), import it, keep the run, tell the editors.

``sync_source`` is what ``manage.py sync_sources`` and admin's "check now" call. A run never
stops at a bad record: the rest are imported and the refused ones listed in the run's report
(their meetings are left as they were). What the importer guards still holds: a source that
answers with nothing, a web page or a cut-short body changes nothing, and a run that would
deactivate more than a quarter of the source's meetings waits until an editor confirms.
"""

import logging
from smtplib import SMTPException

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django.utils.translation import gettext

from groups.importers.fetch import fetch
from groups.importers.importer import DeactivationHeld, ImportRejected, import_meetings
from groups.importers.sources import SourceError, decode, refuse_web_page
from groups.models import SourceRun
from groups.search.queryset import refresh_planner_statistics

logger = logging.getLogger(__name__)


def sync_source(source, *, confirm=False):
    """Fetch and import ``source`` once; return the SourceRun that records it.

    ``confirm`` lets a mass deactivation through (an editor has looked); it also fetches the
    whole feed again rather than ask whether it changed.
    """
    started = timezone.now()
    report, status, text = None, SourceRun.Status.FAILED, ""
    try:
        fetched = fetch(
            source.url,
            etag="" if confirm else source.etag,
            last_modified="" if confirm else source.last_modified,
        )
        if fetched.not_modified:
            status, text = SourceRun.Status.UNCHANGED, gettext("Not modified since the last run.")
        else:
            refuse_web_page(source.url, fetched.body, fetched.content_type)
            report = import_meetings(
                source.url,
                program=source.program.slug,
                file_type=source.file_type,
                text=decode(fetched.body),
                name=source.url,
                label=source.url,
                default_timezone=source.default_timezone,
                skip_invalid=True,
                confirm=confirm,
            )
            changed = report.created or report.updated or report.deactivated
            status = SourceRun.Status.CHANGED if changed else SourceRun.Status.UNCHANGED
            # Only a run that was applied may skip the next unchanged feed.
            source.etag, source.last_modified = fetched.etag, fetched.last_modified
    except DeactivationHeld as held:
        report, status = held.report, SourceRun.Status.HELD
        text = f"{held}\n\n"
    except (SourceError, ImportRejected) as error:
        report = getattr(error, "report", None)
        text = f"{error}\n\n"
    except Exception as error:  # A scheduled job goes on to the next source and says why.
        logger.exception("Sync of source %s failed", source.pk)
        # Translators: %(error)s is the name of the error, e.g. DatabaseError.
        message = gettext("The run failed unexpectedly (%(error)s); nothing was changed.")
        text = message % {"error": error.__class__.__name__}
    previous = source.runs.first()
    source.last_checked = timezone.now()
    source.save(update_fields=["etag", "last_modified", "last_checked"])
    applied = report is not None and status in (
        SourceRun.Status.CHANGED,
        SourceRun.Status.UNCHANGED,
    )
    run = SourceRun.objects.create(
        source=source,
        started=started,
        finished=source.last_checked,
        status=status,
        created=report.created if applied else 0,
        updated=report.updated if applied else 0,
        deactivated=report.deactivated if applied else 0,
        rejected=len(report.rejected) if report else 0,
        report=(text + (str(report) if report else "")).strip(),
    )
    if status == SourceRun.Status.CHANGED:
        refresh_planner_statistics()
    # A source that keeps failing (or waiting) the same way is told about once, not every hour.
    repeated = (
        previous is not None
        and status != SourceRun.Status.CHANGED
        and (previous.status, previous.report) == (run.status, run.report)
    )
    if status != SourceRun.Status.UNCHANGED and not repeated:
        tell_editors(run)
    return run


def tell_editors(run):
    """E-mail the program's editors what a run changed, or that it failed or waits for them."""
    source = run.source
    recipients = source.program.editor_emails()
    if not recipients:
        return
    # In the language the run's report is written in: whoever ran it (a scheduled run: English).
    subject = gettext("Meeting source “%(label)s”: %(status)s") % {
        "label": source.label,
        "status": run.get_status_display().lower(),
    }
    checked = gettext("%(label)s (%(url)s) was checked at %(time)s UTC.") % {
        "label": source.label,
        "url": source.url,
        "time": f"{run.finished:%Y-%m-%d %H:%M}",
    }
    body = f"{checked}\n\n{run.report}\n"
    if run.status == SourceRun.Status.HELD:
        held = gettext(
            "Nothing was changed. If the source really dropped these meetings, confirm in "
            "admin (Sources, “Confirm the held deactivation”) or run "
            "`manage.py sync_sources --source %(pk)s --confirm`."
        )
        body += f"\n{held % {'pk': source.pk}}\n"
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    except (OSError, SMTPException):
        logger.warning("Could not e-mail the editors about source %s", source.pk)
