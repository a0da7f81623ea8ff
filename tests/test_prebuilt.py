"""Exports built once per version and kept compressed in the shared cache (groups/prebuilt.py)."""

import gzip
import secrets
import threading
import time
from collections import OrderedDict

import pytest
from django.core.cache import cache
from django.db import connections
from django.test import RequestFactory

from groups import prebuilt


def test_a_version_is_built_once_and_kept(db):
    builds = []

    def chunks():
        builds.append(1)
        yield "["
        yield "1, 2"
        yield "]"

    first = prebuilt.gzipped("test:kept", chunks)
    again = prebuilt.gzipped("test:kept", chunks)
    assert gzip.decompress(first) == b"[1, 2]" and again == first
    assert len(builds) == 1


@pytest.mark.django_db(transaction=True)
def test_requests_for_a_version_being_built_wait_for_that_one_build():
    builds, results = [], []
    cache.delete("test:slow")

    def chunks():
        builds.append(threading.get_ident())
        time.sleep(0.5)  # Long enough for the others to arrive while this one builds.
        yield "slow"

    def request():
        try:
            results.append(prebuilt.gzipped("test:slow", chunks))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=request) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(builds) == 1
    assert [gzip.decompress(result) for result in results] == [b"slow"] * 4


def test_a_repeat_is_served_from_this_process_without_the_shared_cache(db, monkeypatch):
    data = prebuilt.gzipped("test:local", lambda: iter(["kept here"]))
    cache.delete("test:local")  # Gone from the shared cache (evicted, say): still served.
    assert prebuilt.gzipped("test:local", lambda: iter(["built again"])) == data
    # Bounded: the oldest goes first, and what could never fit stays in the shared cache only.
    monkeypatch.setattr(prebuilt, "_local", OrderedDict())
    one = len(prebuilt.compress([secrets.token_hex(60)]))
    monkeypatch.setattr(prebuilt, "LOCAL_BYTES", 2 * one + one // 2)  # Room for two.
    for name in ("a", "b", "c"):
        prebuilt.gzipped(f"test:{name}", lambda: iter([secrets.token_hex(60)]))
    assert list(prebuilt._local) == ["test:b", "test:c"]
    prebuilt.gzipped("test:huge", lambda: iter([secrets.token_hex(60 * 4)]))
    assert "test:huge" not in prebuilt._local and cache.get("test:huge") is not None


def test_a_failed_build_leaves_no_claim_behind(db):
    def broken():
        yield "half"
        raise ValueError("the database went away")

    with pytest.raises(ValueError):
        prebuilt.gzipped("test:broken", broken)
    assert gzip.decompress(prebuilt.gzipped("test:broken", lambda: iter(["whole"]))) == b"whole"


def test_clients_without_gzip_get_the_text_inflated_as_it_streams():
    data = prebuilt.compress("x" * 200_000 for _ in range(3))
    plain = prebuilt.response(RequestFactory().get("/"), data, "application/json")
    assert b"".join(plain.streaming_content) == b"x" * 600_000
    assert "Content-Encoding" not in plain and plain["Vary"] == "Accept-Encoding"
    zipped = prebuilt.response(
        RequestFactory().get("/", headers={"accept-encoding": "gzip, br"}), data, "text/csv"
    )
    assert zipped["Content-Encoding"] == "gzip" and zipped.content == data
    assert len(data) < 5_000  # Repeated text compresses: the point of keeping it compressed.


def test_a_search_csv_is_kept_in_the_shared_cache_only(client, feed_meetings, monkeypatch):
    # A CSV is built for one search and minute: a copy in the worker would only push out the
    # feed, which every reader asks for.
    monkeypatch.setattr(prebuilt, "_local", OrderedDict())
    client.get("/meetings.csv", {"q": "Portland, OR"}, headers={"Accept-Encoding": "gzip"})
    assert list(prebuilt._local) == []
    client.get("/meetings.json", headers={"Accept-Encoding": "gzip"})
    assert [key.split(":")[0] for key in prebuilt._local] == ["feed"]


def test_pieces_gathered_into_batches_come_back_whole():
    pieces = [f"{number}:{secrets.token_hex(20)}," for number in range(10_000)]  # Over 400 KB.
    assert gzip.decompress(prebuilt.compress(iter(pieces))).decode() == "".join(pieces)
