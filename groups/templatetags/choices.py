from django import template

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
        (str(value), label, str(value) in chosen)
        for value, label in bound_field.field.widget.choices
    ]
