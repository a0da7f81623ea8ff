from django import template

from groups import links

register = template.Library()


@register.simple_tag
def path(view_name):
    """``{% path "groups:meeting_list" %}``: {% url %} for a page that takes no arguments,
    reversed once per language (groups.links.path_of), for the pages every search renders."""
    return links.path_of(view_name)
