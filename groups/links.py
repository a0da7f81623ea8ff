"""Links: to a meeting's pages for long lists, to the page being read in each language, and the
search parameters links are built from.

``reverse()`` walks the URL patterns each time; a feed of 100,000 meetings or a page of results
would call it for every one. Slugs need no quoting in a path, so a pattern reversed once (per
language: Spanish pages live under /es/) with a mark in place of the slug serves them all.
"""

from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.http import QueryDict
from django.urls import Resolver404, resolve, reverse, translate_url
from django.utils.translation import get_language, override

SLUG_MARK = "slug-mark"


@cache
def slug_path(view_name, language):
    """The path of ``view_name`` in ``language`` with SLUG_MARK for its slug, reversed once."""
    with override(language):
        return reverse(view_name, args=[SLUG_MARK])


def path_for(view_name, slug):
    return slug_path(view_name, get_language()).replace(SLUG_MARK, slug)


@dataclass(frozen=True)
class Translation:
    """The page being read, in one of the site's languages."""

    code: str
    name: str  # In the language itself, as settings.LANGUAGES names it: "Español".
    url: str  # Path and query string.
    absolute_url: str
    current: bool
    same_page: bool  # False when the address names no page (a 404): then the language's home.


def given(query):
    """The parameters of a search as sent, without the empty ones a form sends for each field
    left blank: every link a results page builds from them (chips, pages, exports) stays short."""
    kept = QueryDict(mutable=True)
    for name, values in query.lists():
        if values := [value for value in values if value]:
            kept.setlist(name, values)
    return kept


def page_in_languages(request):
    """The page asked for, with the same search, in every language of the site (the first
    is the site's default language).

    An address that names no page here (a 404) gets each language's home page instead.
    """
    query = given(request.GET).urlencode()
    path = request.path + ("?" + query if query else "")
    try:
        resolve(request.path_info)
        # An address of a page's shape may still name nothing ("/meetings/no-such-slug/").
        known = not getattr(request, "not_found", False)
    except Resolver404:
        known = False
    current = get_language()
    found = []
    for code, name in settings.LANGUAGES:
        if known:
            url = translate_url(path, code)
        else:
            with override(code):
                url = reverse("groups:home")
        found.append(
            Translation(
                code=code,
                name=name,
                url=url,
                absolute_url=request.build_absolute_uri(url),
                current=code == current,
                same_page=known,
            )
        )
    return found
