"""Reading a source: a file or an http(s) URL, its text, and which file type it is."""

import json
import re
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings

MEETING_GUIDE, BMLT, CSV = "meeting-guide", "bmlt", "csv"
# The kinds of file an import reads (``--format`` on the command line).
FILE_TYPES = [MEETING_GUIDE, BMLT, CSV]
FETCH_TIMEOUT = 30
MAX_SOURCE_BYTES = 50 * 1024 * 1024


class SourceError(Exception):
    """The source cannot be read at all: missing, unreachable, or not the type it claims."""


def is_url(source):
    return bool(re.match(r"^https?://", source, re.IGNORECASE))


def read_source(source):
    """The bytes of a file path or an http(s) URL."""
    if is_url(source):
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked just above
            source, headers={"User-Agent": settings.GEOCODER_USER_AGENT}
        )
        try:
            with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:  # noqa: S310
                data = response.read(MAX_SOURCE_BYTES + 1)
        except (urllib.error.URLError, OSError, ValueError) as error:
            raise SourceError(f"Could not fetch {source}: {error}") from error
    elif "://" in source:
        raise SourceError("The source must be a file path or an http(s) URL.")
    else:
        try:
            with open(source, "rb") as handle:
                data = handle.read(MAX_SOURCE_BYTES + 1)
        except OSError as error:
            raise SourceError(f"Could not read {source}: {error.strerror or error}") from error
    if len(data) > MAX_SOURCE_BYTES:
        raise SourceError(f"{source} is larger than {MAX_SOURCE_BYTES // 1024 // 1024} MB.")
    return data


def source_label(source, max_length):
    """What Meeting.source records: the URL as given, or the file's absolute path."""
    label = source if is_url(source) else str(Path(source).resolve())
    if len(label) > max_length:
        raise SourceError("The source name is too long to record; give a shorter --source label.")
    return label


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
