"""The five programs and the meeting format vocabulary, with their names in every language."""

import hashlib
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from groups import rules
from groups.models.fields import LineField, NotesField
from groups.vocabulary import CATEGORY_LABELS, FORMATS_BY_CODE, LANGUAGES, PROGRAMS, Philosophy


class Program(models.Model):
    """One recovery program (fellowship) such as Narcotics Anonymous."""

    # Each text field below is kept in every language (groups/translation.py).
    name = LineField(_("name"), max_length=100, unique=True)
    short_name = LineField(_("short name"), max_length=30)
    slug = models.SlugField(_("slug"), max_length=30, unique=True)
    philosophy = models.CharField(_("philosophy"), max_length=20, choices=Philosophy.choices)
    approach = NotesField(_("approach"), help_text=_("The program's approach, in plain words."))
    first_meeting = NotesField(
        _("first meeting"), blank=True, help_text=_("What a first meeting is usually like.")
    )
    good_fit = NotesField(
        _("good fit"), blank=True, help_text=_("Who tends to find this program a good fit.")
    )
    website = models.URLField(_("website"), blank=True, validators=[rules.validate_single_line])
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("editors"),
        blank=True,
        related_name="edited_programs",
        help_text=_(
            "Staff users who keep this program's meetings current in admin. They see and "
            "change only their programs' meetings and the locations those use."
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("program")
        verbose_name_plural = _("programs")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("groups:program", args=[self.slug])

    def editor_emails(self):
        """E-mail addresses of the program's editors, or of the superusers when it has none."""
        users = get_user_model().objects.filter(is_active=True).exclude(email="")
        emails = list(users.filter(edited_programs=self.pk).values_list("email", flat=True))
        return emails or list(users.filter(is_superuser=True).values_list("email", flat=True))


class Format(models.Model):
    """A meeting type code from the controlled vocabulary (Meeting Guide codes and our own)."""

    class Category(models.TextChoices):
        ACCESS = "access", CATEGORY_LABELS["access"]
        FORMAT = "format", CATEGORY_LABELS["format"]
        AUDIENCE = "audience", CATEGORY_LABELS["audience"]
        ACCESSIBILITY = "accessibility", CATEGORY_LABELS["accessibility"]
        LANGUAGE = "language", CATEGORY_LABELS["language"]
        OTHER = "other", CATEGORY_LABELS["other"]

    code = LineField(_("code"), max_length=12, unique=True)
    # Name and description are kept in every language (groups/translation.py).
    name = LineField(_("name"), max_length=60)
    description = LineField(
        _("description"), max_length=200, help_text=_("What this means, in plain words.")
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    is_meeting_guide = models.BooleanField(
        _("Meeting Guide code"),
        default=True,
        help_text=_("Off for codes this directory added itself."),
    )

    class Meta:
        ordering = ["category", "name"]
        verbose_name = _("format")
        verbose_name_plural = _("formats")

    def __str__(self):
        return f"{self.name} ({self.code})"


# What every search page lists (its choices and chips) comes from the database, as curators keep
# it in admin, but is read at most once this often per process rather than on each page.
NAMES_SECONDS = 60
_listed = {"read_at": float("-inf"), "programs": {}, "formats": {}, "languages": (), "version": ""}


def _read_listed():
    from groups.models.meetings import Meeting  # Meetings name their program: no cycle at import.

    languages = [code for code, _ in settings.LANGUAGES]
    columns = [f"name_{language}" for language in languages]
    found = {}
    for model, key in ((Program, "slug"), (Format, "code")):
        found[model] = {
            row[0]: dict(zip(languages, row[1:], strict=True))
            for row in model.objects.values_list(key, *columns)
        }
    # Without order_by(), the meetings' own ordering would join the DISTINCT: every row.
    held_in = set(Meeting.objects.active().order_by().values_list("language", flat=True).distinct())
    listed = {
        "programs": found[Program],
        "formats": found[Format],
        "languages": tuple(code for code in LANGUAGES if code in held_in),
    }
    version = hashlib.sha256(repr(sorted(listed.items())).encode()).hexdigest()[:12]
    _listed.update(listed, version=version, read_at=time.monotonic())


def _current():
    if time.monotonic() - _listed["read_at"] > NAMES_SECONDS:
        _read_listed()
    return _listed


def _name(kind, key, english):
    names = _current()[kind].get(key, {})
    # A text not yet translated shows in English; a row missing from the table, as the vocabulary
    # first had it.
    return names.get(get_language()) or names.get(settings.LANGUAGE_CODE) or english


def program_name(slug):
    """The program's name in the visitor's language: "Narcóticos Anónimos"."""
    return _name("programs", slug, PROGRAMS[slug][0] if slug in PROGRAMS else slug)


def format_name(code):
    """The format's name in the visitor's language: "Principiantes"."""
    term = FORMATS_BY_CODE.get(code)
    return _name("formats", code, term.name if term else code)


def language_name(iso_code):
    """A language's name in the visitor's language, as its format names it: "Español"."""
    return format_name(LANGUAGES[iso_code][1]) if iso_code in LANGUAGES else iso_code


def languages_in_use():
    """The languages active meetings are held in (ISO codes, in the vocabulary's order): the
    search form offers these rather than every language there is."""
    return _current()["languages"]


def listed_version():
    """A name for what is listed now: pages keep a rendering of the search's choices under it,
    so an edit shows as soon as it is read."""
    return _current()["version"]


# For lists of choices built once and shown in whichever language each visitor reads.
lazy_program_name = lazy(program_name, str)
lazy_format_name = lazy(format_name, str)
lazy_language_name = lazy(language_name, str)


@receiver([post_save, post_delete], sender=Program)
@receiver([post_save, post_delete], sender=Format)
def forget_listed(**kwargs):
    """Read again at the next page: this process shows an edit at once, the others within
    NAMES_SECONDS."""
    _listed["read_at"] = float("-inf")
