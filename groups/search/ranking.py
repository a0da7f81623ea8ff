"""In what order results come: the "best" score, and the orders people can choose instead.

The "best" score is in kilometre-equivalents, lower first:

    (distance_km + 1) × 0.5 if the philosophy is preferred
                      × 0.6 per preferred format present (up to three)
                      × 0.6 if held in the language preferred
    + 0.1 km per hour until the meeting starts (or since it began, if running)

So with a secular preference a secular meeting 5 km away (3.0) beats a twelve-step one 3 km
away (4.0), but one 40 km away (20.5) does not. The language preferred is the site's when it is
not the default one: on the Spanish pages a Spanish meeting 5 km away (3.6) comes before an
English one 3 km away (4.0). Online-only meetings follow the local ones.
"""

from django.db import models
from django.db.models import Case, F, FloatField, Value, When
from django.db.models.functions import Abs
from django.utils.translation import gettext_lazy as _

from groups.search.formula import Formula, number


class Sort(models.TextChoices):
    BEST = "best", _("Best match")
    DISTANCE = "distance", _("Nearest")
    SOONEST = "soonest", _("Soonest")


PREFERRED_PHILOSOPHY_FACTOR = 0.5
PREFERRED_FORMAT_FACTORS = {1: 0.6, 2: 0.36, 3: 0.216}
PREFERRED_LANGUAGE_FACTOR = 0.6
KM_PER_HOUR_UNTIL_START = 0.1


def philosophy_match(preferred):
    """True for rows of the preferred philosophy (a constant False with no preference)."""
    if not preferred:
        return Value(False)
    return Case(When(program__philosophy=preferred, then=Value(True)), default=Value(False))


def language_match(preferred):
    """True for rows held in the preferred language (a constant False with no preference)."""
    if not preferred:
        return Value(False)
    return Case(When(language=preferred, then=Value(True)), default=Value(False))


def formats_matched(conditions, online_only):
    """How many of the preferred formats (each an Exists condition) a row has."""
    matched = Value(0)
    for has_format in conditions:
        # Online-only meetings are ranked by time alone: test that first to skip the lookup.
        matched = matched + Case(
            When(online_only, then=Value(0)), When(has_format, then=Value(1)), default=Value(0)
        )
    return matched


def score(*, prefer_philosophy, prefer_formats, prefer_language=""):
    """The "best" score over the annotations distance_km, minutes_until and the three matches."""
    # {0} distance_km, {1} minutes_until, {2} philosophy_match, {3} formats_matched,
    # {4} language_match.
    factor = "1.0"
    if prefer_philosophy:
        factor = f"CASE WHEN {{2}} THEN {number(PREFERRED_PHILOSOPHY_FACTOR)} ELSE 1.0 END"
    if prefer_language:
        factor += f" * CASE WHEN {{4}} THEN {number(PREFERRED_LANGUAGE_FACTOR)} ELSE 1.0 END"
    if prefer_formats:
        # One branch per count a row can have, so the CASE reads the count once: each reading
        # looks up every preferred format again.
        most = max(PREFERRED_FORMAT_FACTORS)
        by_count = " ".join(
            f"WHEN {count} THEN {number(PREFERRED_FORMAT_FACTORS[min(count, most)])}"
            for count in range(1, len(prefer_formats) + 1)
        )
        factor = f"{factor} * CASE {{3}} {by_count} ELSE 1.0 END"
    return Formula(
        f"({{0}} + 1.0) * {factor} + ABS({{1}}) * {number(KM_PER_HOUR_UNTIL_START / 60)}",
        F("distance_km"),
        F("minutes_until"),
        F("philosophy_match"),
        F("formats_matched"),
        F("language_match"),
        output_field=FloatField(),
    )


def chosen_or_default(sort, point):
    """The sort asked for, else "best" near a place and "soonest" with none."""
    return sort or (Sort.BEST if point else Sort.SOONEST)


def ordering(sort):
    """The ORDER BY for a sort, over the search's annotations; the primary key breaks ties.

    "distance" puts local meetings nearest first, then online ones soonest first; "soonest"
    orders everything by how far its start is from now (a meeting that began ten minutes ago
    sits with one starting in ten), nearest first among equals; "best" puts local meetings by
    score, then online ones soonest first.
    """
    if sort == Sort.DISTANCE:
        order = ["is_online_only", F("distance_km").asc(nulls_last=True), "minutes_until"]
    elif sort == Sort.SOONEST:
        order = [Abs("minutes_until"), F("distance_km").asc(nulls_last=True)]
    else:
        order = ["is_online_only", F("score").asc(nulls_last=True), "minutes_until"]
    return [*order, "pk"]


def merge_key(sort):
    """How rows of a search's parts (local meetings, online ones), each in ``ordering(sort)``,
    merge into that order: None when one part follows the other ("best" and "distance" put
    local meetings first), else a key over rows with ``pk``, ``distance_km`` and
    ``minutes_until`` comparing what ``ordering`` compares ("soonest" interleaves them).
    (Used by results.paginate on search_parts.)
    """
    if sort == Sort.SOONEST:
        return lambda row: (
            abs(row.minutes_until),
            row.distance_km is None,
            row.distance_km or 0,
            row.pk,
        )
    return None
