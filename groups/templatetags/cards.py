from html import escape

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, pgettext

register = template.Library()


@register.simple_tag(takes_context=True)
def result_cards(context, results, start=None):
    """The list of result cards (groups.results.Result), numbered from ``start`` on a later page.

    Written here rather than in a template, as the choice_field tag is: a page shows twenty
    cards of a dozen values each, and the template engine's lookup, localizing and escaping of
    each value was the larger part of rendering a results page. Every value is escaped, as a
    template would (with the standard library's html.escape, as Django's escape does: every
    value of a Result is a plain string, never one marked safe, and Django's wrapper around it
    was most of this tag's time); the cards carry the map's coordinates when the page has a map.
    """
    with_map = bool(context.get("map_tile_url"))
    sample = escape(pgettext("badge on a sample listing", "Sample"))
    in_progress = escape(pgettext("meeting", "in progress"))
    your_time = gettext("Your time: %(time)s")
    items = []
    for result in results:
        where = f"\n<p>{escape(result.where)}</p>" if result.where else ""
        position = ""
        if with_map and result.latitude:
            position = (
                f' data-lat="{escape(result.latitude)}" data-lng="{escape(result.longitude)}"'
            )
        badge = f' <span class="sample-badge">{sample}</span>' if result.is_sample else ""
        now = f' <span class="badge-now">{in_progress}</span>' if result.in_progress else ""
        theirs = ""
        if result.searcher_time:
            said = escape(your_time % {"time": result.searcher_time})
            theirs = f'<br><span class="your-time">{said}</span>'
        items.append(
            f'<li class="result"{position}>\n'
            f'<h3><a href="{escape(result.url)}">{escape(result.name)}</a>{badge}</h3>\n'
            f'<p>{escape(result.program)} · <span class="philosophy philosophy-'
            f'{escape(result.philosophy)}">{escape(result.philosophy_label)}</span> · '
            f"{escape(result.attendance_label)}</p>\n"
            f"<p><strong>{escape(result.when_text)}</strong>{now}{theirs}</p>{where}\n"
            f'<p class="result-why">{escape(result.reasons)}</p>\n</li>\n'
        )
    numbered = f' start="{escape(str(start))}"' if start else ""
    return mark_safe(  # noqa: S308 - every value above is escaped.
        f'<ol class="result-list"{numbered}>\n{"".join(items)}</ol>'
    )
