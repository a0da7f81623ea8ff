"""Importing meetings in admin (superusers only): the same code as `manage.py import_meetings`,
with the report shown on the page. Routed in directory/urls.py as admin/groups/import/."""

from django import forms
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import user_passes_test
from django.shortcuts import render

from groups import rules
from groups.importers import (
    FILE_TYPES,
    MAX_SOURCE_BYTES,
    DeactivationHeld,
    ImportRejected,
    SourceError,
    decode,
    import_meetings,
)
from groups.vocabulary import PROGRAMS


class ImportForm(forms.Form):
    program = forms.ChoiceField(choices=[(slug, name) for slug, (name, _, _) in PROGRAMS.items()])
    file = forms.FileField(required=False, help_text="A Meeting Guide JSON, BMLT JSON or CSV file.")
    url = forms.URLField(
        label="or feed URL", required=False, assume_scheme="https", help_text="An http(s) address."
    )
    format = forms.ChoiceField(
        choices=[("", "Detect from the file")] + [(name, name) for name in FILE_TYPES],
        required=False,
    )
    source = forms.CharField(
        label="source label",
        max_length=200,
        required=False,
        help_text="Recorded on each meeting to match it next time. Default: the URL, or "
        "“upload:” and the file name. Keep it the same for every import of one list.",
    )
    timezone = forms.CharField(
        label="default time zone",
        max_length=64,
        required=False,
        validators=[rules.validate_time_zone],
        help_text="For meetings whose record and place give none, e.g. America/Chicago.",
    )
    skip_invalid = forms.BooleanField(
        required=False, help_text="Import the valid records and list the rejected ones."
    )
    confirm = forms.BooleanField(
        label="confirm a mass deactivation",
        required=False,
        help_text="Deactivate what the source no longer lists even when that is more than a "
        "quarter of its meetings (and more than ten). Check the source first.",
    )

    def clean(self):
        data = super().clean()
        if bool(data.get("file")) == bool(data.get("url")):
            raise forms.ValidationError("Upload a file or give a URL (one of the two).")
        upload = data.get("file")
        if upload and upload.size > MAX_SOURCE_BYTES:
            raise forms.ValidationError("The file is too large.")
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
@user_passes_test(lambda user: user.is_superuser, login_url="admin:login")
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
        "title": "Import meetings",
        "form": form,
        "report": report,
        "error": error,
    }
    return render(request, "admin/groups/import.html", context)
