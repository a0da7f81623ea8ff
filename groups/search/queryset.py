"""The search QuerySet: ``search()`` walks the numbered steps built in geometry, timing, ranking."""

import operator
from functools import reduce
from typing import NamedTuple

from django.apps import apps
from django.db import connections, models, transaction
from django.db.models import Case, Exists, F, FloatField, OuterRef, Q, Subquery, Value, When
from django.utils import timezone

from groups import rules
from groups.search import geometry, ranking, timing
from groups.search.formula import InSubquery
from groups.text import search_words
from groups.vocabulary import Attendance, Philosophy

ONLINE_ONLY = Q(attendance=Attendance.ONLINE)


class SearchPart(NamedTuple):
    """One kind of meeting a search finds (search_parts), in the search's order."""

    meetings: models.QuerySet
    # Whether a page reads its keys first, then its rows (results.paginate): online meetings are
    # thousands of candidates an index alone can sort, where sorting their whole rows read each
    # from the table. Meetings in a place are a few hundred inside the map box, read whole;
    # with no place (a keyword alone), as many as match anywhere, by keys too.
    by_keys: bool


class SearchQuerySet(models.QuerySet):
    """The search over meetings; the Meeting model's QuerySet builds on it."""

    def has_format(self, code):
        """A condition: the meeting has the format with this code.

        A code about a room (wheelchair access, ...) never fits a meeting held only online, as
        rules.room_codes says, even if one was stored before that rule or kept by a change of
        attendance; a code the program implies (rules.program_codes) fits all its meetings. The
        search then agrees with the meeting's page and the feed.
        """
        formats = self.model._meta.get_field("formats")
        # The format's key is looked up once per query (an uncorrelated subquery), rather than
        # the formats table joined on each test of each row: PostgreSQL scanned it every time.
        format_key = Subquery(formats.related_model.objects.filter(code=code).values("pk")[:1])
        links = formats.remote_field.through.objects
        condition = Exists(links.filter(meeting=OuterRef("pk"), format=format_key))
        # A format the program itself implies (secular) is not stored on its meetings.
        implied_by = [value for value in Philosophy.values if code in rules.program_codes(value)]
        if implied_by:
            condition = condition | Q(program__philosophy__in=implied_by)
        if rules.room_codes(Attendance.ONLINE, [code]):
            return condition & ~ONLINE_ONLY
        return condition

    def with_formats(self, codes):
        """Meetings that have every one of these formats."""
        queryset = self
        for code in codes:
            queryset = queryset.filter(self.has_format(code))
        return queryset

    def matching(self, query):
        """Meetings whose stored search text holds every word of ``query``, in any case or accent.

        A substring test on a column normalized in Python: the same on SQLite and PostgreSQL, and
        cheap, since it reads only the rows the rest of the search lets through.
        """
        queryset = self
        for word in search_words(query):
            queryset = queryset.filter(search_text__contains=word)
        return queryset

    def search(
        self,
        *,
        point=None,
        radius_km=geometry.DEFAULT_RADIUS_KM,
        include_local=True,
        include_online=False,
        soon_hours=None,
        prefer_philosophy="",
        prefer_formats=(),
        prefer_language="",
        sort="",
        online_hours=None,
        now=None,
    ):
        """Find meetings for someone at ``point`` (latitude, longitude), ranked and explained.

        1. Local meetings (in person or hybrid) are first cut to a latitude/longitude box around
           the point, which the (latitude, longitude) index on Location serves, so the cost grows
           with the meetings nearby rather than with all meetings. With no point they are not
           cut by place at all: ask for that only when something else narrows them (a keyword).
        2. Their great-circle distance is the haversine formula, computed in the database with
           Django's math functions (the same on SQLite and PostgreSQL); rows past the radius go.
           With no point there is no distance.
        3. Online-only meetings have no place: when asked for, they join whatever the radius,
           those in progress or starting within ``online_hours`` (or ``soon_hours``; None
           means the whole week), picked by ranges on their stored UTC start minute.
        4. Each candidate's next start is worked out in its own time zone (timing.minutes_until);
           ``soon_hours`` keeps meetings in progress or starting within that many hours.
        5. Preferences are soft: ``philosophy_match``, ``formats_matched`` and
           ``language_match`` count what fits.
        6. The "best" score weighs distance against preferences and time (see ranking).
        7. The order is the one asked for, "best" by default with a place (ranking.ordering).
        """
        now = now or timezone.now()
        sort = ranking.chosen_or_default(sort, point)
        local = self._local_condition(point, radius_km, include_online) if include_local else None
        online, horizon = None, None
        if include_online:
            hours = soon_hours if soon_hours is not None else online_hours
            horizon = int(hours * 60) if hours is not None else None
            online = timing.online_window(now, horizon)
        wanted = [term for term in (local, *(online or [])) if term is not None]
        if not wanted:
            return self.none()
        # The steps' expressions are gathered and added in one call each (alias, annotate,
        # filter): every QuerySet call copies the whole query, which is most of its cost.
        conditions = [reduce(operator.or_, wanted)]
        aliases, annotations = {}, {}
        self._within_radius(point, radius_km, local is not None, online is not None,
                            aliases, annotations, conditions)  # fmt: skip
        annotations["minutes_until"] = timing.minutes_until(now)
        if soon_hours is not None:
            conditions.append(Q(minutes_until__lte=int(soon_hours * 60)))
        elif horizon is not None:
            conditions.append(~ONLINE_ONLY | Q(minutes_until__lte=horizon))
        annotations.update(
            philosophy_match=ranking.philosophy_match(prefer_philosophy),
            formats_matched=ranking.formats_matched(
                [self.has_format(code) for code in prefer_formats], ONLINE_ONLY
            ),
            language_match=ranking.language_match(prefer_language),
            is_online_only=Case(When(ONLINE_ONLY, then=Value(1)), default=Value(0)),
        )
        if sort not in (ranking.Sort.DISTANCE, ranking.Sort.SOONEST):
            annotations["score"] = ranking.score(
                prefer_philosophy=prefer_philosophy,
                prefer_formats=prefer_formats,
                prefer_language=prefer_language,
            )
        queryset = self.alias(**aliases) if aliases else self
        queryset = queryset.annotate(**annotations).filter(*conditions)
        return queryset.order_by(*ranking.ordering(sort))

    def search_parts(self, **options):
        """``search(**options)`` as a SearchPart for each kind of meeting it finds: those held
        in a place, then those held only online. ranking.merge_key puts their rows back in the
        search's order.

        Together in one query, the OR of the two made the database read every candidate's
        whole row (thousands of online meetings start within a day); apart, the online ones
        are sorted from an index alone (meeting_online_soon), by their keys.
        """
        local = options.get("include_local", True)
        online = options.get("include_online", False)
        # With no place, local meetings are not cut by a box: as many as a keyword matches.
        local_by_keys = options.get("point") is None
        if local and online:
            return [
                SearchPart(
                    self.search(**{**options, "include_online": False}), by_keys=local_by_keys
                ),
                SearchPart(self.search(**{**options, "include_local": False}), by_keys=True),
            ]
        return [SearchPart(self.search(**options), by_keys=local_by_keys if local else online)]

    def near(self, point, radius_km, *, soon_hours=None, now=None):
        """Local meetings within ``radius_km`` of ``point``, with ``distance_km`` and nothing else
        the search ranks by: its steps 1 and 2 (and 4 for ``soon_hours``), for what needs only
        distances."""
        conditions = [self._local_condition(point, radius_km, include_online=False)]
        aliases, annotations = {}, {}
        self._within_radius(point, radius_km, True, False, aliases, annotations, conditions)
        if soon_hours is not None:
            annotations["minutes_until"] = timing.minutes_until(now or timezone.now())
            conditions.append(Q(minutes_until__lte=int(soon_hours * 60)))
        return self.alias(**aliases).annotate(**annotations).filter(*conditions)

    def nearest(self, point, *, beyond_km, limit=5, soon_hours=None, now=None, values=()):
        """The ``limit`` local meetings nearest ``point``, however far, nearest first: instances,
        or with ``values``, dicts of those and distance_km.

        Meetings ``near`` the point, in a radius eight times wider each try from ``beyond_km``
        until enough are inside (the last try spans the globe): the cost stays with the
        meetings near the place, one query a try.
        """
        radius_km = beyond_km
        while True:
            radius_km = min(radius_km * 8, geometry.HALF_CIRCUMFERENCE_KM)
            found = self.near(point, radius_km, soon_hours=soon_hours, now=now)
            found = found.order_by("haversine", "pk")
            if values:
                found = found.values(*values, "distance_km")
            found = list(found[:limit])
            if len(found) >= limit or radius_km >= geometry.HALF_CIRCUMFERENCE_KM:
                return found

    def _local_condition(self, point, radius_km, include_online):
        """Step 1: in-person and hybrid meetings inside the box around the point."""
        if point is None:
            return ~ONLINE_ONLY
        south, west, north, east = geometry.bounding_box(*point, radius_km)
        # "Not online-only" rather than "in person or hybrid": a negation cannot use the
        # attendance index, so the planner drives the query from the nearby locations.
        if include_online:
            # Joined with online meetings by OR, the box must be a subquery of its own for each
            # side of the OR to use an index.
            locations = self.model.location.field.related_model.objects
            nearby = locations.in_box(south, west, north, east).order_by().values("pk")
            return Q(InSubquery(F("location"), nearby)) & ~ONLINE_ONLY
        return geometry.box_condition(south, west, north, east, "location__") & ~ONLINE_ONLY

    def _within_radius(
        self, point, radius_km, has_local, has_online, aliases, annotations, conditions
    ):
        """Step 2: ``distance_km``, and a condition that drops local rows past the radius."""
        if not has_local or point is None:
            annotations["distance_km"] = Value(None, output_field=FloatField())
            return
        within = geometry.haversine_within(radius_km)
        term = geometry.haversine_term(*point, "location__")
        if has_online:
            # Online-only rows have no place: no term, and the radius does not apply.
            term = Case(When(~ONLINE_ONLY, then=term), output_field=FloatField())
            conditions.append(Q(haversine__lte=within) | Q(haversine__isnull=True))
        else:
            conditions.append(Q(haversine__lte=within))
        aliases["haversine"] = term
        annotations["distance_km"] = geometry.distance_km(models.F("haversine"))


# The tables every search reads, vacuumed after a bulk change (refresh_planner_statistics).
SEARCHED_MODELS = ["Meeting", "Location"]


def refresh_planner_statistics(using="default"):
    """Run ANALYZE so the query planner knows the data's shape.

    Searches are fast only when the planner starts from the map box rather than, say, the five
    programs; without statistics SQLite cannot tell. Run after migrations (which may rebuild a
    table and drop its statistics) and after bulk loads. On PostgreSQL the tables searches read
    are vacuumed too, as autovacuum would later (if it is on): the old versions of rows a bulk
    change left go (the map box read them all until then), and the pages are marked all
    visible, so the online search reads its index alone. VACUUM cannot run in a transaction:
    inside one, it runs once that commits.
    """
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    if connection.vendor != "postgresql":
        return
    if connection.in_atomic_block:
        # Robust: the change is in, whatever becomes of this tidying after it.
        transaction.on_commit(lambda: vacuum_searched_tables(using), using=using, robust=True)
    else:
        vacuum_searched_tables(using)


def vacuum_searched_tables(using="default"):
    """VACUUM the tables searches read (PostgreSQL, outside a transaction), those that exist."""
    connection = connections[using]
    if connection.in_atomic_block:  # A test may run commit hooks inside its transaction.
        return
    with connection.cursor() as cursor:
        # After migrating backwards (post_migrate still runs) the tables may be gone.
        present = set(connection.introspection.table_names(cursor))
        searched = [apps.get_model("groups", name)._meta.db_table for name in SEARCHED_MODELS]
        if tables := [connection.ops.quote_name(table) for table in searched if table in present]:
            cursor.execute(f"VACUUM {', '.join(tables)}")
