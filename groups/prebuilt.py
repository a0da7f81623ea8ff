"""Large exports built once per version of the data and kept gzip-compressed in the shared cache.

The Meeting Guide feed of 100,000 meetings is tens of megabytes of JSON and seconds of work: built
on every request, a handful of readers would stall the site. So an export is built once for each
version of the data (its key names the version), streamed into gzip as it is made so a worker
never holds the whole text, and kept in Django's shared cache, where every worker and every
server finds it. While one request builds a version, others asking for it wait for that build
instead of starting their own.
"""

import gzip
import io
import threading
import time
import zlib
from collections import OrderedDict

from django.core.cache import cache
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.cache import patch_vary_headers

# Long enough for the largest build; a build that dies leaves its claim to expire after this.
BUILD_SECONDS = 120
# A version is never rebuilt while kept: its key changes with the data.
KEEP_SECONDS = 24 * 3600
POLL_SECONDS = 0.05


# The exports this process served last, by key, beside the shared cache: a key names one
# version of the data, so a copy here is never stale, and a repeat request then costs no trip to
# the shared cache for megabytes. Bounded, so a worker's memory stays small.
LOCAL_BYTES = 32 * 1024 * 1024
_local = OrderedDict()
# A worker's threads (gunicorn --threads) share these copies: one may drop a copy as another
# reads it.
_local_lock = threading.Lock()


def gzipped(key, chunks, keep_seconds=KEEP_SECONDS, *, keep_locally=True):
    """The gzip bytes of the export under ``key``, built from ``chunks()`` once if missing.

    ``chunks()`` yields the export's text piece by piece. ``keep_locally=False`` for an export
    rarely asked for twice (a search's CSV, by the minute): it would only push out the feed.
    """
    with _local_lock:
        found = _local.get(key)
        if found is not None:
            _local.move_to_end(key)
            return found
    found = _shared(key, chunks, keep_seconds)
    if keep_locally:
        _keep_locally(key, found)
    return found


def _keep_locally(key, data):
    if len(data) > LOCAL_BYTES:
        return
    with _local_lock:
        _local[key] = data
        while sum(len(kept) for kept in _local.values()) > LOCAL_BYTES:
            _local.popitem(last=False)


def _shared(key, chunks, keep_seconds):
    found = cache.get(key)
    if found is not None:
        return found
    claim = f"{key}:building"
    deadline = time.monotonic() + BUILD_SECONDS
    while not cache.add(claim, True, BUILD_SECONDS):
        # Another request is building this version: wait for it rather than build it twice.
        time.sleep(POLL_SECONDS)
        found = cache.get(key)
        if found is not None:
            return found
        if time.monotonic() > deadline:
            break  # The builder died without releasing its claim; build it here.
    try:
        found = compress(chunks())
        cache.set(key, found, keep_seconds)
        return found
    finally:
        cache.delete(claim)


# Text gathered before each write to gzip: a feed's hundred thousand small pieces, written one by
# one, cost a fifth more time than in pieces this size.
COMPRESS_BATCH = 64 * 1024


def compress(pieces):
    """Gzip pieces of text (str, or UTF-8 bytes) as they come, holding only the compressed bytes
    and one batch of text."""
    buffer = io.BytesIO()
    # mtime=0: the same data gives the same bytes, whoever builds them.
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=6, mtime=0) as out:
        held, size = [], 0
        for piece in pieces:
            held.append(piece.encode() if isinstance(piece, str) else piece)
            size += len(held[-1])  # Bytes, whichever kind the piece came as.
            if size >= COMPRESS_BATCH:
                out.write(b"".join(held))
                held, size = [], 0
        out.write(b"".join(held))
    return buffer.getvalue()


def response(request, data, content_type):
    """Serve gzip bytes as they are when the client takes gzip, else inflated as they stream."""
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        result = HttpResponse(data, content_type=content_type)
        result["Content-Encoding"] = "gzip"
    else:
        result = StreamingHttpResponse(inflate(data), content_type=content_type)
    patch_vary_headers(result, ["Accept-Encoding"])
    return result


def inflate(data, size=64 * 1024):
    decompressor = zlib.decompressobj(wbits=31)  # 31: a gzip header and trailer.
    for start in range(0, len(data), size):
        yield decompressor.decompress(data[start : start + size])
    yield decompressor.flush()
