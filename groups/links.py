"""Links to a meeting's pages for long lists: reverse() once, then one string per meeting.

``reverse()`` walks the URL patterns each time; a feed of 100,000 meetings or a page of results
would call it for every one. Slugs need no quoting in a path, so a pattern reversed once with a
mark in place of the slug serves them all.
"""

from functools import cache

from django.urls import reverse

SLUG_MARK = "slug-mark"


@cache
def slug_path(view_name):
    """The path of ``view_name`` with SLUG_MARK for its slug, reversed once per process."""
    return reverse(view_name, args=[SLUG_MARK])


def path_for(view_name, slug):
    return slug_path(view_name).replace(SLUG_MARK, slug)
