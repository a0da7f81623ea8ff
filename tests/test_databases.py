"""Which database a query reads from (groups/databases.py)."""

import pytest
from django.conf import settings
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from groups.databases import REPLICA, ReplicaRouter, reads_from_replica
from groups.models import Meeting

router = ReplicaRouter()


@pytest.fixture
def with_a_replica(settings):
    # The router's decision only; no connection is opened to this alias here.
    settings.DATABASES = {**settings.DATABASES, REPLICA: settings.DATABASES["default"]}


def test_visitor_reads_go_to_the_replica_and_nothing_else_does(with_a_replica):
    assert router.db_for_read(Meeting) is None
    chosen = reads_from_replica(lambda request: router.db_for_read(Meeting))(None)
    assert chosen == REPLICA
    writes = reads_from_replica(lambda request: router.db_for_write(Meeting))(None)
    assert writes is None
    assert router.db_for_read(Meeting) is None  # The view's choice ended with the view.
    assert not router.allow_migrate(REPLICA, "groups") and router.allow_migrate("default", "groups")


def test_without_a_replica_everything_reads_the_primary():
    if REPLICA in settings.DATABASES:
        pytest.skip("a replica is configured in this run")
    chosen = reads_from_replica(lambda request: router.db_for_read(Meeting))(None)
    assert chosen is None


@pytest.mark.skipif(REPLICA not in settings.DATABASES, reason="needs DATABASE_REPLICA_URL")
@pytest.mark.django_db(transaction=True, databases=["default", REPLICA])
def test_search_and_feed_read_the_replica_while_admin_reads_the_primary(
    client, admin_client, make_meeting, committed_vocabulary
):
    make_meeting()
    with CaptureQueriesContext(connections[REPLICA]) as replica:
        # Coordinates, not a town: a committing test may have emptied the gazetteer before.
        search = {"lat": "45.52", "lng": "-122.68"}
        assert client.get(reverse("groups:meeting_list"), search).status_code == 200
        assert client.get(reverse("groups:meetings_json")).status_code == 200
    assert len(replica.captured_queries) >= 3
    with CaptureQueriesContext(connections[REPLICA]) as replica:
        assert admin_client.get(reverse("admin:groups_meeting_changelist")).status_code == 200
    assert replica.captured_queries == []


@pytest.mark.django_db
def test_postgresql_connections_compile_no_query_to_machine_code():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)


@pytest.mark.django_db(databases="__all__")
def test_postgresql_prepares_a_search_run_again_from_another_place(client, make_meeting):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    make_meeting()
    for place in ("Portland, OR", "Seattle", "Chicago, IL", "Denver", "Boston", "Austin, TX"):
        assert client.get(reverse("groups:meeting_list"), {"q": place}).status_code == 200
    # The search reads from the replica when there is one (reads_from_replica).
    searched = connections[REPLICA if REPLICA in settings.DATABASES else "default"]
    with searched.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans + custom_plans FROM pg_prepared_statements"
            " WHERE statement LIKE %s",
            ['%AS "total_count"%'],  # The page's query (results.paginate).
        )
        runs = [row[0] for row in cursor.fetchall()]
    # Run six times from six places: one statement, prepared at the fifth run.
    assert len(runs) == 1 and runs[0] >= 1


@pytest.mark.django_db(transaction=True)
def test_after_a_bulk_change_postgresql_also_vacuums_what_searches_read():
    # Vacuumed, the old versions of rows a bulk change left are gone and the pages are marked
    # all visible: the online search reads its covering index alone. Inside a transaction
    # (where VACUUM cannot run) the VACUUM waits for the commit, as after load_demo.
    from django.db import connection, transaction
    from django.test import TestCase

    from groups.models import Location
    from groups.search.queryset import refresh_planner_statistics

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")

    def vacuums():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT relname, vacuum_count FROM pg_stat_user_tables WHERE relname IN (%s, %s)",
                [Meeting._meta.db_table, Location._meta.db_table],
            )
            return dict(cursor.fetchall())

    before = vacuums()
    with transaction.atomic():
        refresh_planner_statistics()
        assert vacuums() == before
    assert vacuums() == {table: count + 1 for table, count in before.items()}
    refresh_planner_statistics()
    assert vacuums() == {table: count + 2 for table, count in before.items()}
    with pytest.raises(RuntimeError), transaction.atomic():
        refresh_planner_statistics()
        raise RuntimeError("rolled back")
    assert vacuums() == {table: count + 2 for table, count in before.items()}
    # Commit hooks run inside the transaction (as a test may ask): no VACUUM there, and the
    # transaction goes on working.
    with pytest.raises(RuntimeError), transaction.atomic():
        with TestCase.captureOnCommitCallbacks(execute=True) as hooks:
            refresh_planner_statistics()
        assert len(hooks) == 1
        assert vacuums() == {table: count + 2 for table, count in before.items()}
        raise RuntimeError("rolled back")
    assert len(before) == 2
