"""The five programs and the meeting format vocabulary."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.urls import reverse

from groups import rules
from groups.models.fields import LineField, NotesField
from groups.vocabulary import CATEGORY_LABELS, Philosophy


class Program(models.Model):
    """One recovery program (fellowship) such as Narcotics Anonymous."""

    name = LineField(max_length=100, unique=True)
    short_name = LineField(max_length=30)
    slug = models.SlugField(max_length=30, unique=True)
    philosophy = models.CharField(max_length=20, choices=Philosophy.choices)
    approach = NotesField(help_text="The program's approach, in plain words.")
    first_meeting = NotesField(blank=True, help_text="What a first meeting is usually like.")
    good_fit = NotesField(blank=True, help_text="Who tends to find this program a good fit.")
    website = models.URLField(blank=True, validators=[rules.validate_single_line])
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="edited_programs",
        help_text="Staff users who keep this program's meetings current in admin. They see and "
        "change only their programs' meetings and the locations those use.",
    )

    class Meta:
        ordering = ["name"]

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

    code = LineField(max_length=12, unique=True)
    name = LineField(max_length=60)
    name_es = LineField("Spanish name", max_length=60, blank=True)
    description = LineField(max_length=200, help_text="What this means, in plain words.")
    category = models.CharField(max_length=20, choices=Category.choices)
    is_meeting_guide = models.BooleanField(
        "Meeting Guide code",
        default=True,
        help_text="Off for codes this directory added itself.",
    )

    class Meta:
        ordering = ["category", "name"]

    def __str__(self):
        return f"{self.name} ({self.code})"
