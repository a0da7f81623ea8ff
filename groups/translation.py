"""Texts curators keep in every language (django-modeltranslation): each field listed here gets a
column per language in settings.LANGUAGES (``approach_en``, ``approach_es``, ...), admin shows
them side by side, and reading ``approach`` gives the visitor's language, else English.
"""

from modeltranslation.translator import TranslationOptions, register

from groups.models import Format, Program


@register(Program)
class ProgramTranslation(TranslationOptions):
    fields = ("name", "approach", "first_meeting", "good_fit")


@register(Format)
class FormatTranslation(TranslationOptions):
    fields = ("name", "description")
