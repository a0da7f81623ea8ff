"""Who a client is (a keyed hash of its address, never the address) and how often it may act."""

import contextlib
import ipaddress
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac

logger = logging.getLogger(__name__)


class CountUnavailable(Exception):
    """The shared cache could not keep the count: the request is refused, not let through."""


def client_address(request):
    """The client's address: behind our proxy, the last one the proxy appended.

    The one place that reads X-Forwarded-For (the rate limits and the login lockout both ask
    here). A value there that is not an address is ignored rather than trusted.
    """
    address = request.META.get("REMOTE_ADDR", "")
    if settings.SECURE_PROXY_SSL_HEADER:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", 1)[-1].strip()
        with contextlib.suppress(ValueError):
            address = str(ipaddress.ip_address(forwarded))
    return address


def client_key(request):
    """A keyed hash standing for the client's address; the address itself is never stored."""
    return salted_hmac("groups.views.client_key", client_address(request)).hexdigest()


def over_limit(request, scope, limit, window_seconds):
    """Count one more request from this client; True once it has sent more than ``limit``.

    Each request let through takes one of ``limit`` numbered slots of the current window with
    the cache's ``add()``, which stores a key only if it is absent: of any number of workers or
    servers racing for a slot, exactly one gets it, on the database cache and on Redis alike (a
    read-then-write count would let a burst through). The window's number is in the key, so a
    slot is never reused once it expires. Raises CountUnavailable when the cache cannot count.
    """
    window = int(time.time() // window_seconds)
    prefix = f"throttle:{scope}:{client_key(request)}:{window}"
    slots = [f"{prefix}:{slot}" for slot in range(limit)]
    try:
        taken = cache.get_many(slots)
        for slot in slots:
            if slot not in taken and cache.add(slot, 1, window_seconds):
                return False
        # Every slot taken, unless a write failed unseen: the database cache answers a failed
        # write with False, as if the key were there. Then the count cannot be trusted.
        kept = len(cache.get_many(slots))
    except Exception as error:  # Any backend's failure (database, network): never count open.
        logger.warning("Rate limit %s could not be counted: %s", scope, error.__class__.__name__)
        raise CountUnavailable(scope) from error
    if kept < limit:
        logger.warning("Rate limit %s could not be counted: the cache kept no new slot", scope)
        raise CountUnavailable(scope)
    return True
