from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, pgettext

from groups.models.programs import listed_version

register = template.Library()

# Each choice's markup before and after the word that ticks or selects it, escaped and in the
# reader's language, by language, names listed, form, field and value: every results page writes
# over a hundred, and translating and escaping each label again was most of the form's cost.
# Bounded: a field's values are few, but the listed names change with the data.
_parts = {}
PARTS_KEPT = 5000


def _chosen(bound_field):
    raw = bound_field.value()
    return {str(value) for value in raw} if isinstance(raw, list | tuple) else {str(raw or "")}


@register.filter
def options(bound_field):
    """(value, label, chosen) for each choice of a field, so a template lists them cheaply.

    The search form has over a hundred choices; comparing each against the chosen values here
    costs a fraction of doing it with template tags.
    """
    chosen = _chosen(bound_field)
    return [
        (str(value), str(label), str(value) in chosen)
        for value, label in bound_field.field.widget.choices
    ]


def _option(field_key, kind, name, value, label):
    """(before, after) the " checked" or " selected" of one choice, made once."""
    key = (*field_key, value)
    parts = _parts.get(key)
    if parts is None:
        if len(_parts) >= PARTS_KEPT:
            _parts.clear()
        value_html = conditional_escape(value)
        if kind == "checkbox":
            parts = (
                f'\n<label><input type="checkbox" name="{name}" value="{value_html}"',
                f"> {conditional_escape(label)}</label>",
            )
        else:
            text = label or pgettext("no choice made in a list", "Any")
            parts = (f'\n<option value="{value_html}"', f">{conditional_escape(text)}</option>")
        _parts[key] = parts
    return parts


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
    chosen = _chosen(field)
    kind = "checkbox" if field.widget_type == "checkboxselectmultiple" else "option"
    mark = " checked" if kind == "checkbox" else " selected"
    # The form's class too: another form may label the same value otherwise.
    field_key = (get_language(), listed_version(), type(field.form).__qualname__, kind, name)
    items = []
    for value, text in field.field.widget.choices:
        before, after = _option(field_key, kind, name, str(value), text)
        items.append(before + mark + after if str(value) in chosen else before + after)
    items = "".join(items)
    if kind == "checkbox":
        return mark_safe(  # noqa: S308 - every value above is escaped.
            f'\n<fieldset class="{css}">\n<legend>{label}</legend>\n<div class="choices">{items}'
            f"\n</div>{help_text}{errors}\n</fieldset>"
        )
    field_id = conditional_escape(field.id_for_label)
    return mark_safe(  # noqa: S308 - every value above is escaped.
        f'\n<div class="{css}">\n<label for="{field_id}">{label}</label>'
        f'\n<select name="{name}" id="{field_id}">{items}\n</select>{help_text}{errors}\n</div>'
    )
