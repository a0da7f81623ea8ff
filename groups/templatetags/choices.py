from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import pgettext

register = template.Library()


@register.filter
def options(bound_field):
    """(value, label, chosen) for each choice of a field, so a template lists them cheaply.

    The search form has over a hundred choices; comparing each against the chosen values here
    costs a fraction of doing it with template tags.
    """
    raw = bound_field.value()
    chosen = {str(value) for value in raw} if isinstance(raw, list | tuple) else {str(raw or "")}
    return [
        (str(value), str(label), str(value) in chosen)
        for value, label in bound_field.field.widget.choices
    ]


@register.simple_tag
def choice_field(field):
    """A field of boxes to tick (a fieldset) or a list to pick from (a labelled select).

    Written here rather than in a template: every results page carries the search form, whose
    choices number over a hundred, and joining them in Python costs a small part of rendering
    each through template tags. includes/field.html uses it for these two kinds of field.
    Every value written is escaped unless marked safe, as a template would.
    """
    errors = str(field.errors) if field.errors else ""  # An empty list renders a template too.
    css = "field has-error" if errors else "field"
    help_text = (
        f'\n<p class="help">{conditional_escape(field.help_text)}</p>' if field.help_text else ""
    )
    name, label = conditional_escape(field.html_name), conditional_escape(field.label)
    if field.widget_type == "checkboxselectmultiple":
        boxes = "".join(
            f'\n<label><input type="checkbox" name="{name}" value="{conditional_escape(value)}"'
            f"{' checked' if chosen else ''}> {conditional_escape(text)}</label>"
            for value, text, chosen in options(field)
        )
        return mark_safe(  # noqa: S308 - every value above is escaped.
            f'\n<fieldset class="{css}">\n<legend>{label}</legend>\n<div class="choices">{boxes}'
            f"\n</div>{help_text}{errors}\n</fieldset>"
        )
    any_label = pgettext("no choice made in a list", "Any")
    items = "".join(
        f'\n<option value="{conditional_escape(value)}"{" selected" if chosen else ""}>'
        f"{conditional_escape(text or any_label)}</option>"
        for value, text, chosen in options(field)
    )
    field_id = conditional_escape(field.id_for_label)
    return mark_safe(  # noqa: S308 - every value above is escaped.
        f'\n<div class="{css}">\n<label for="{field_id}">{label}</label>'
        f'\n<select name="{name}" id="{field_id}">{items}\n</select>{help_text}{errors}\n</div>'
    )
