"""Fetching a source over the web, with the care a server owes when it fetches what admins type.

A source URL is typed by a person and fetched by the server, so a fetch must not become a way
into the server's own network: only http(s); the host is resolved first and refused when any of
its addresses is loopback, private, link-local, reserved or multicast (unless
``settings.SOURCES_ALLOW_PRIVATE_ADDRESSES``, for tests and closed networks), and the connection
goes to the very address that was checked, so a second DNS answer cannot swap it; each redirect
is checked the same way, and at most MAX_REDIRECTS are followed. A fetch times out, stops past
``settings.SOURCE_MAX_BYTES``, and a body shorter than its Content-Length is refused as truncated.
Conditional requests (ETag, If-Modified-Since) let an unchanged feed answer 304 without a body.
"""

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from groups.importers.sources import SourceError

MAX_REDIRECTS = 3
REDIRECTS = {301, 302, 303, 307, 308}
CHUNK = 64 * 1024


@dataclass
class Fetched:
    url: str
    status: int
    body: bytes = b""
    etag: str = ""
    last_modified: str = ""
    content_type: str = ""

    @property
    def not_modified(self):
        return self.status == 304


# The kinds of address never fetched from, as ipaddress names them (``is_loopback``, ...).
REFUSED_KINDS = {
    "loopback": _("%(address)s is a loopback address"),
    "private": _("%(address)s is a private address"),
    "link_local": _("%(address)s is a link-local address"),
    "reserved": _("%(address)s is a reserved address"),
    "multicast": _("%(address)s is a multicast address"),
    "unspecified": _("%(address)s is an unspecified address"),
}


def refused_address(address):
    """Why an IP address may not be fetched from, or "" when it may."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    for kind, reason in REFUSED_KINDS.items():
        if getattr(ip, f"is_{kind}"):
            return str(reason) % {"address": address}
    return ""


def checked_address(host, port):
    """The address to connect to for ``host``, after checking every address it resolves to."""
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        message = gettext("Could not find the host %(host)s: %(error)s")
        raise SourceError(message % {"host": host, "error": error}) from error
    addresses = [answer[4][0] for answer in answers]
    if not settings.SOURCES_ALLOW_PRIVATE_ADDRESSES:
        for address in addresses:
            reason = refused_address(address)
            if reason:
                message = gettext("Refused to fetch from %(host)s: %(reason)s.")
                raise SourceError(message % {"host": host, "reason": reason})
    return addresses[0]


class PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to an address checked beforehand, whatever the host name resolves to now."""

    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        # The certificate is checked against the host name, not the address.
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def fetch(url, *, etag="", last_modified=""):
    """GET ``url`` as described above; raise SourceError for anything but a usable answer."""
    timeout = settings.SOURCE_FETCH_TIMEOUT
    deadline = time.monotonic() + timeout * 4
    for _attempt in range(MAX_REDIRECTS + 1):
        response, connection = _request(url, etag, last_modified, timeout)
        try:
            if response.status in REDIRECTS:
                location = response.getheader("Location")
                if not location:
                    message = gettext("%(url)s redirects without saying where.")
                    raise SourceError(message % {"url": url})
                url = urljoin(url, location)
                continue
            if response.status == 304:
                return Fetched(url, 304, etag=etag, last_modified=last_modified)
            if response.status != 200:
                answer = f"HTTP {response.status} {response.reason}"
                raise SourceError(_could_not_fetch(url, answer))
            body = _read_body(url, response, deadline)
            return Fetched(
                url,
                200,
                body,
                etag=response.getheader("ETag") or "",
                last_modified=response.getheader("Last-Modified") or "",
                content_type=response.getheader("Content-Type") or "",
            )
        finally:
            connection.close()
    message = gettext("Too many redirects (more than %(limit)d); stopped at %(url)s.")
    raise SourceError(message % {"limit": MAX_REDIRECTS, "url": url})


def _could_not_fetch(url, why):
    # Translators: %(why)s is why, e.g. "HTTP 404 Not Found" or "it took too long".
    return gettext("Could not fetch %(url)s: %(why)s") % {"url": url, "why": why}


def _request(url, etag, last_modified, timeout):
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        message = gettext("Only http and https addresses can be fetched, not %(url)s.")
        raise SourceError(message % {"url": url})
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = checked_address(parts.hostname, port)
    kind = PinnedHTTPSConnection if parts.scheme == "https" else PinnedHTTPConnection
    connection = kind(parts.hostname, port, address, timeout)
    headers = {"User-Agent": settings.GEOCODER_USER_AGENT, "Accept-Encoding": "identity"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    path = parts.path or "/"
    if parts.query:
        path += f"?{parts.query}"
    try:
        connection.request("GET", path, headers=headers)
        return connection.getresponse(), connection
    except (OSError, http.client.HTTPException) as error:
        connection.close()
        raise SourceError(_could_not_fetch(url, error or error.__class__.__name__)) from error


def _read_body(url, response, deadline):
    limit = settings.SOURCE_MAX_BYTES
    if limit >= 1024 * 1024:
        too_large = gettext("%(url)s is larger than %(size)d MB.")
        size_limit = limit // 1024 // 1024
    else:
        too_large = gettext("%(url)s is larger than %(size)d bytes.")
        size_limit = limit
    too_large %= {"url": url, "size": size_limit}
    declared = response.getheader("Content-Length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise SourceError(too_large)
    chunks, size = [], 0
    try:
        while chunk := response.read1(CHUNK):
            size += len(chunk)
            if size > limit:
                raise SourceError(too_large)
            if time.monotonic() > deadline:
                raise SourceError(_could_not_fetch(url, gettext("it took too long.")))
            chunks.append(chunk)
    except (OSError, http.client.HTTPException) as error:
        # IncompleteRead: the connection closed before the promised length.
        # Translators: %(error)s is the connection's error, as Python names it.
        cut = gettext("the answer was cut short (%(error)s).") % {"error": repr(error)}
        raise SourceError(_could_not_fetch(url, cut)) from error
    body = b"".join(chunks)
    if declared and declared.isdigit() and len(body) < int(declared):
        raise SourceError(_could_not_fetch(url, gettext("the answer was cut short.")))
    return body
