"""Reading a source: a file or an http(s) URL, its text, and which file type it is."""

import json
import re
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext

MEETING_GUIDE, BMLT, CSV = "meeting-guide", "bmlt", "csv"
# The kinds of file an import reads (``--format`` on the command line).
FILE_TYPES = [MEETING_GUIDE, BMLT, CSV]
MAX_SOURCE_BYTES = settings.SOURCE_MAX_BYTES


class SourceError(Exception):
    """The source cannot be read at all: missing, unreachable, or not the type it claims."""


def is_url(source):
    return bool(re.match(r"^https?://", source, re.IGNORECASE))


def read_source(source):
    """The bytes of a file path or an http(s) URL (fetched as groups.importers.fetch says)."""
    if is_url(source):
        from groups.importers.fetch import fetch  # It raises this module's SourceError.

        fetched = fetch(source)
        refuse_web_page(source, fetched.body, fetched.content_type)
        return fetched.body
    if "://" in source:
        raise SourceError(gettext("The source must be a file path or an http(s) URL."))
    try:
        with open(source, "rb") as handle:
            data = handle.read(MAX_SOURCE_BYTES + 1)
    except OSError as error:
        # Translators: %(error)s is the system's own explanation ("No such file or directory").
        message = gettext("Could not read %(source)s: %(error)s")
        raise SourceError(message % {"source": source, "error": error.strerror or error}) from error
    if len(data) > MAX_SOURCE_BYTES:
        message = gettext("%(source)s is larger than %(megabytes)d MB.")
        raise SourceError(
            message % {"source": source, "megabytes": MAX_SOURCE_BYTES // 1024 // 1024}
        )
    return data


def refuse_web_page(source, data, content_type=""):
    """Refuse a web page sent instead of a feed: an error or login page lists no meetings, and
    reading it as a feed would deactivate them all."""
    start = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if "html" in content_type.lower() or start.startswith(b"<"):
        message = gettext("%(source)s sent a web page, not a meeting list; nothing was changed.")
        raise SourceError(message % {"source": source})


def source_label(source):
    """What Meeting.source records: the URL as given, or the file's absolute path."""
    return source if is_url(source) else str(Path(source).resolve())


def decode(data):
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Spreadsheets saved on Windows.
        return data.decode("cp1252", errors="replace")


def guess_type(name, text):
    """The file type of a source, from its name and the shape of its text."""
    if name.lower().endswith(".csv"):
        return CSV
    if not text.lstrip().startswith(("[", "{")):
        return CSV
    try:
        data = json.loads(text)
    except ValueError:
        return MEETING_GUIDE  # The reader names the JSON error.
    if isinstance(data, dict):
        return BMLT
    if (
        data
        and isinstance(data[0], dict)
        and ("id_bigint" in data[0] or "weekday_tinyint" in data[0])
    ):
        return BMLT
    return MEETING_GUIDE
