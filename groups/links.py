"""Links: to a meeting's pages for long lists, to the page being read in each language, and the
search parameters links are built from.

``reverse()`` walks the URL patterns each time; a feed of 100,000 meetings or a page of results
would call it for every one. Slugs need no quoting in a path, so a pattern reversed once (per
language: Spanish pages live under /es/) with a mark in place of the slug serves them all.
"""

from dataclasses import dataclass
from functools import cache, lru_cache
from urllib.parse import urlencode

from django.conf import settings
from django.http import QueryDict
from django.urls import Resolver404, get_script_prefix, resolve, reverse, translate_url
from django.utils.translation import get_language, override

SLUG_MARK = "slug-mark"


@cache
def reversed_path(view_name, language, *args):
    """The path of ``view_name`` with ``args`` in ``language``, reversed once."""
    with override(language):
        return reverse(view_name, args=args)


def slug_path(view_name, language):
    """The path of ``view_name`` in ``language`` with SLUG_MARK for its slug, reversed once."""
    return reversed_path(view_name, language, SLUG_MARK)


def path_for(view_name, slug):
    return slug_path(view_name, get_language()).replace(SLUG_MARK, slug)


def path_of(view_name):
    """The path of a page that takes no arguments (the search, its exports) in the reader's
    language: what {% url %} gives, for a fraction of its cost (a tenth of a millisecond each,
    four on every results page)."""
    return reversed_path(view_name, get_language())


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


def query_string(query):
    """The query string of ``query`` (a QueryDict) as given() keeps it: one urlencode() of its
    pairs, a third of the cost of a QueryDict's own, which encodes each pair apart."""
    return urlencode([(name, value) for name, values in query.lists() for value in values if value])


def page_in_languages(request):
    """The page asked for, with the same search, in every language of the site (the first
    is the site's default language).

    An address that names no page here (a 404) gets each language's home page instead.
    """
    query = query_string(request.GET)
    current = get_language()
    known, paths = paths_in_languages(request.path_info, request.path, current)
    known = known and not getattr(request, "not_found", False)
    if not known:
        paths = homes_in_languages(get_script_prefix())
    found = []
    for (code, name), path in zip(settings.LANGUAGES, paths, strict=True):
        url = path + ("?" + query if query and known else "")
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


@lru_cache(maxsize=2048)
def paths_in_languages(path_info, path, language):
    """(whether the address names a page's shape, its path in each language), as read in
    ``language`` (the URL patterns' prefix is the active language's). Resolving and reversing
    it for every page was a tenth of a results page's rendering. Bounded: the addresses asked
    for are many, the pages read most are few."""
    try:
        resolve(path_info)
    except Resolver404:
        return False, ()
    return True, tuple(translate_url(path, code) for code, _ in settings.LANGUAGES)


@cache
def homes_in_languages(script_prefix):
    """The home page's path in each language, under this script prefix (reverse() reads it)."""
    homes = []
    for code, _ in settings.LANGUAGES:
        with override(code):
            homes.append(reverse("groups:home"))
    return tuple(homes)
