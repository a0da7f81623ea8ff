"""Importing meetings in admin (superusers only): the same code as `manage.py import_meetings`,
with the report shown on the page. Routed in directory/urls.py as admin/groups/import/."""

from django import forms
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import user_passes_test
from django.core.validators import MaxLengthValidator
from django.shortcuts import render
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from groups.admin.editors import is_superuser
from groups.importers import (
    MAX_SOURCE_BYTES,
    DeactivationHeld,
    ImportRejected,
    SourceError,
    decode,
    import_meetings,
)
from groups.models import Meeting, Source
from groups.models.programs import lazy_program_name
from groups.vocabulary import PROGRAMS


def meeting_field(name, **options):
    """A form field that takes what Meeting.<name> holds, checked by that field's own rules."""
    field = Meeting._meta.get_field(name)
    # The form field checks max_length itself: the model's length check again would say it twice.
    own = [rule for rule in field.validators if not isinstance(rule, MaxLengthValidator)]
    return field.formfield(validators=own, **options)


class ImportForm(forms.Form):
    # The labels as Django would derive them from the names ("Program"), or as given.
    program = forms.ChoiceField(
        label=_("Program"), choices=[(slug, lazy_program_name(slug)) for slug in PROGRAMS]
    )
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_("A Meeting Guide JSON, BMLT JSON or CSV file."),
    )
    url = forms.URLField(
        label=_("or feed URL"),
        required=False,
        assume_scheme="https",
        help_text=_("An http(s) address."),
    )
    format = forms.ChoiceField(
        label=pgettext_lazy("file type", "Format"),
        choices=[("", _("Detect from the file")), *Source.FileType.choices],
        required=False,
    )
    # The meeting's own fields, so the label and zone are held to the same rules.
    source = meeting_field(
        "source",
        label=_("source label"),
        required=False,
        help_text=_(
            "Recorded on each meeting to match it next time. Default: the URL, or "
            "“upload:” and the file name. Keep it the same for every import of one list."
        ),
    )
    timezone = meeting_field(
        "timezone",
        label=_("default time zone"),
        required=False,
        help_text=_("For meetings whose record and place give none, e.g. America/Chicago."),
    )
    skip_invalid = forms.BooleanField(
        label=_("Skip invalid"),
        required=False,
        help_text=_("Import the valid records and list the rejected ones."),
    )
    confirm = forms.BooleanField(
        label=_("confirm a mass deactivation"),
        required=False,
        help_text=_(
            "Deactivate what the source no longer lists even when that is more than a "
            "quarter of its meetings (and more than ten). Check the source first."
        ),
    )

    def clean(self):
        data = super().clean()
        if bool(data.get("file")) == bool(data.get("url")):
            raise forms.ValidationError(
                _("Upload a file or give a URL (one of the two)."), code="file_or_url"
            )
        upload = data.get("file")
        if upload and upload.size > MAX_SOURCE_BYTES:
            raise forms.ValidationError(_("The file is too large."), code="too_large")
        return data

    def run(self, user, dry_run):
        data = self.cleaned_data
        options = {
            "program": data["program"],
            "file_type": data["format"],
            "default_timezone": data["timezone"],
            "skip_invalid": data["skip_invalid"],
            "confirm": data["confirm"],
            "dry_run": dry_run,
            "user": user,
        }
        upload = data["file"]
        if upload:
            label = data["source"] or f"upload:{upload.name}"
            text = decode(upload.read())
            return import_meetings(label, text=text, name=upload.name, label=label, **options)
        return import_meetings(data["url"], label=data["source"], **options)


@staff_member_required
@user_passes_test(is_superuser, login_url="admin:login")
def import_meetings_view(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    report = error = None
    if request.method == "POST" and form.is_valid():
        try:
            report = form.run(request.user, dry_run=request.POST.get("action") != "import")
        except SourceError as problem:
            error = str(problem)
        except (ImportRejected, DeactivationHeld) as stopped:
            report, error = stopped.report, str(stopped)
    context = {
        **admin.site.each_context(request),
        "title": gettext("Import meetings"),
        "form": form,
        "report": report,
        "error": error,
    }
    return render(request, "admin/groups/import.html", context)
