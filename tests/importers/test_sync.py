"""Sources that keep themselves current (groups/importers/sync.py and fetch.py), against a web
server started by each test on this machine: never the internet."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.core.management import call_command

from groups.importers.fetch import refused_address
from groups.importers.sync import sync_source
from groups.models import Meeting, Source, SourceRun


class FeedHandler(BaseHTTPRequestHandler):
    """Answers each path as ``server.routes`` says: a dict of status, headers, body, stall."""

    def do_GET(self):
        self.server.requests.append((self.path, dict(self.headers)))
        route = self.server.routes.get(self.path.split("?")[0], {"status": 404})
        if route.get("stall"):
            time.sleep(route["stall"])
        body = route.get("body", b"")
        etag = route.get("etag")
        if etag and self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.end_headers()
            return
        try:
            self.send_response(route.get("status", 200))
            headers = {"Content-Length": str(len(body)), **route.get("headers", {})}
            if etag:
                headers["ETag"] = etag
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args):
        pass


@pytest.fixture
def server(settings):
    """A feed server on 127.0.0.1; private addresses allowed unless a test says otherwise."""
    settings.SOURCES_ALLOW_PRIVATE_ADDRESSES = True
    settings.SOURCE_FETCH_TIMEOUT = 0.5
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), FeedHandler)
    httpd.daemon_threads = True
    httpd.routes, httpd.requests = {}, []
    httpd.url = f"http://127.0.0.1:{httpd.server_port}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def meetings(count, start=0):
    return [
        {
            "name": f"Meeting {n}",
            "slug": f"m-{n}",
            "day": n % 7,
            "time": "19:00",
            "timezone": "America/Chicago",
            "conference_url": f"https://zoom.us/j/{n}",
        }
        for n in range(start, start + count)
    ]


def serve(server, records, path="/meetings.json", **route):
    server.routes[path] = {"body": json.dumps(records).encode(), **route}
    return server.url + path


@pytest.fixture
def source(server, programs, django_user_model):
    django_user_model.objects.create_user("editor", "editor@example.org", is_staff=True)
    programs["na"].editors.add(django_user_model.objects.get(username="editor"))
    url = serve(server, meetings(20), etag='"v1"')
    return Source.objects.create(label="Area feed", url=url, program=programs["na"])


def active():
    return Meeting.objects.filter(is_active=True).count()


def test_a_source_is_imported_then_asked_only_whether_it_changed(server, source):
    run = sync_source(source)
    assert run.status == SourceRun.Status.CHANGED and run.created == 20 and active() == 20
    assert mail.outbox[-1].to == ["editor@example.org"]
    assert "created 20" in mail.outbox[-1].body
    sent = len(mail.outbox)

    run = sync_source(source)  # The server answers 304 to the ETag it gave.
    assert server.requests[-1][1]["If-None-Match"] == '"v1"'
    assert run.status == SourceRun.Status.UNCHANGED and len(mail.outbox) == sent

    serve(server, meetings(20)[:-2] + meetings(1, start=50), etag='"v2"')
    run = sync_source(source)
    assert (run.status, run.created, run.deactivated) == (SourceRun.Status.CHANGED, 1, 2)
    assert active() == 19 and len(mail.outbox) == sent + 1
    assert list(source.runs.values_list("status", flat=True)) == ["changed", "unchanged", "changed"]


@pytest.mark.parametrize(
    ("route", "reason"),
    [
        ({"stall": 2}, "timed out"),
        ({"status": 302, "headers": {"Location": "/meetings.json"}}, "Too many redirects"),
        ({"body": b"[" + b" " * 3000 + b"]"}, "larger than"),
        (
            {
                "body": b"<!doctype html><h1>502 Bad Gateway</h1>",
                "headers": {"Content-Type": "text/html"},
            },
            "web page",
        ),
        ({"body": b"[]", "headers": {"Content-Length": "1000"}}, "cut short"),
        ({"status": 500}, "HTTP 500"),
    ],
    ids=["timeout", "redirect-loop", "oversized", "html-error-page", "truncated", "server-error"],
)
def test_a_bad_answer_changes_nothing(server, source, settings, route, reason):
    sync_source(source)
    settings.SOURCE_MAX_BYTES = 2000
    server.routes["/meetings.json"] = route
    run = sync_source(source)
    assert run.status == SourceRun.Status.FAILED
    assert reason in run.report
    assert active() == 20
    assert "failed" in mail.outbox[-1].subject


def test_an_empty_feed_deactivates_nothing(server, source):
    sync_source(source)
    serve(server, [])
    run = sync_source(source)
    assert run.deactivated == 0 and active() == 20
    assert "listed no meetings" in run.report


def test_a_feed_of_nothing_readable_deactivates_nothing(server, source):
    """An error object where the meetings should be is refused, and no meeting goes with it,
    however few the source has."""
    serve(server, meetings(3), etag='"v1"')  # Too few for the mass-deactivation hold.
    sync_source(source)
    serve(server, [{"error": "rate limited"}], etag='"v2"')
    run = sync_source(source)
    assert run.deactivated == 0 and active() == 3
    assert "No meeting of the source could be read" in run.report


def test_a_mass_deactivation_waits_for_confirmation(server, source):
    sync_source(source)
    serve(server, meetings(5), etag='"v2"')  # 15 of 20 gone: more than a quarter, more than 10.
    run = sync_source(source)
    assert run.status == SourceRun.Status.HELD and active() == 20
    assert "would deactivate 15 of the source's 20" in run.report
    assert "--confirm" in mail.outbox[-1].body
    sent = len(mail.outbox)
    assert sync_source(source).status == SourceRun.Status.HELD  # Still held, still nothing.
    assert len(mail.outbox) == sent  # The editors were told once.

    call_command("sync_sources", "--source", str(source.pk), "--confirm")
    assert source.runs.first().status == SourceRun.Status.CHANGED and active() == 5


def test_a_private_address_is_refused(server, source, settings):
    settings.SOURCES_ALLOW_PRIVATE_ADDRESSES = False
    run = sync_source(source)
    assert run.status == SourceRun.Status.FAILED
    assert "127.0.0.1 is a loopback address" in run.report
    assert server.requests == [] and active() == 0


@pytest.mark.parametrize(
    ("address", "refused"),
    [
        ("10.1.2.3", True),
        ("192.168.0.1", True),
        ("169.254.169.254", True),
        ("::1", True),
        ("::ffff:127.0.0.1", True),
        ("fd00::1", True),
        ("0.0.0.0", True),  # noqa: S104 - the unspecified address, refused
        ("8.8.8.8", False),
        ("2606:4700::1111", False),
    ],
)
def test_which_addresses_are_refused(address, refused):
    assert bool(refused_address(address)) is refused


def test_only_http_is_fetched(db, programs):
    source = Source.objects.create(label="x", url="ftp://example.org/feed", program=programs["na"])
    run = sync_source(source)
    assert run.status == SourceRun.Status.FAILED and "Only http and https" in run.report


def test_sync_sources_runs_only_what_is_due(server, source, programs):
    later = Source.objects.create(
        label="Weekly", url=serve(server, meetings(1, 100), "/other.json"), program=programs["na"]
    )
    call_command("sync_sources")
    assert source.runs.count() == later.runs.count() == 1
    call_command("sync_sources")  # Both were checked a moment ago: neither is due.
    assert source.runs.count() == later.runs.count() == 1


def test_admin_checks_a_source_now_and_shows_its_runs(server, source, admin_client):
    response = admin_client.post(
        "/admin/groups/source/",
        {"action": "check_now", "_selected_action": [source.pk]},
        follow=True,
    )
    assert "Area feed: Changed meetings." in response.content.decode()
    page = admin_client.get(f"/admin/groups/source/{source.pk}/change/").content.decode()
    assert "created 20" in page


def test_admin_confirms_a_held_deactivation(server, source, admin_client):
    sync_source(source)
    serve(server, meetings(5))
    assert sync_source(source).status == SourceRun.Status.HELD
    admin_client.post(
        "/admin/groups/source/", {"action": "confirm_held", "_selected_action": [source.pk]}
    )
    assert source.runs.first().status == SourceRun.Status.CHANGED and active() == 5
