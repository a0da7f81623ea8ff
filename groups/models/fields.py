"""Text fields that hold no control characters (the rule lives in groups.rules)."""

from django.db import models

from groups import rules


class LineField(models.CharField):
    """Text on one line: a name, an address, a code. No line breaks or control characters."""

    default_validators = [rules.validate_single_line]


class NotesField(models.TextField):
    """Text that may run over several lines; no other control characters."""

    default_validators = [rules.validate_multiline]
