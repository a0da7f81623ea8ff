"""How admin forms read a link a volunteer types: without a scheme, as https (today's links are;
Django 5 still assumes http). Every admin with a URL field takes its fields from here."""

from django.db import models

HTTPS_LINKS = {models.URLField: {"assume_scheme": "https"}}


def https_formfield(db_field, **kwargs):
    """A ModelForm's formfield_callback with the same rule, for forms built outside an admin."""
    if isinstance(db_field, models.URLField):
        kwargs = {**HTTPS_LINKS[models.URLField], **kwargs}
    return db_field.formfield(**kwargs)
