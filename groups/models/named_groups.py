"""Named groups: the home group that holds meetings (several a week, perhaps in several places).

One idea, one name: the *program* is the fellowship (NA, SMART Recovery); a *group* is the named
home group inside it ("Clean Start Group") that the Meeting Guide spec calls ``group``.
"""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from groups import rules
from groups.models.fields import LineField, NotesField
from groups.models.programs import Program


class Group(models.Model):
    """A home group of one program, holding one or more of its meetings."""

    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="groups", verbose_name=_("program")
    )
    name = LineField(
        _("name"), max_length=200, help_text=_("As the group calls itself: “Clean Start Group”.")
    )
    slug = models.SlugField(
        _("slug"), max_length=220, unique=True, help_text=_("Its page's web address.")
    )
    notes = NotesField(
        _("notes"), blank=True, help_text=_("Shown on the group's page and its meetings' pages.")
    )
    website = models.URLField(_("website"), blank=True, validators=[rules.validate_single_line])
    email = models.EmailField(_("email"), blank=True, validators=[rules.validate_single_line])
    phone = LineField(_("phone"), max_length=40, blank=True)
    contact_is_public = models.BooleanField(
        _("show website, e-mail and phone"),
        default=False,
        help_text=_(
            "Leave unticked to keep them for editors only. Tick only with the group's agreement."
        ),
    )
    is_sample = models.BooleanField(
        _("sample data"),
        default=False,
        help_text=_("Invented for demonstration; not a real group."),
    )
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["name", "pk"]
        constraints = [
            # Imports find a program's group by its name.
            models.UniqueConstraint(fields=["program", "name"], name="group_unique_name"),
            models.CheckConstraint(condition=~Q(name=""), name="group_has_name"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_group_slug(self.name, self.pk)
        renaming = not self._state.adding
        super().save(*args, **kwargs)
        if renaming:
            # The group's name is part of the search text of each of its meetings.
            self.meetings.refresh_search_text()

    def get_absolute_url(self):
        return reverse("groups:group", args=[self.slug])


def unique_group_slug(name, pk=None, taken=None):
    """A web address for a group from its name: "clean-start-group", "-2" if taken."""
    others = Group.objects.exclude(pk=pk)

    def is_taken(slug):
        return (taken is not None and slug in taken) or others.filter(slug=slug).exists()

    return rules.free_slug(name, is_taken, fallback="group")
