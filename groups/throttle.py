"""Who a client is (a keyed hash of its address, never the address) and how often it may act."""

import time

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac


def client_address(request):
    """The client's address: behind our proxy, the last one the proxy appended."""
    address = request.META.get("REMOTE_ADDR", "")
    if settings.SECURE_PROXY_SSL_HEADER:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        address = forwarded.rsplit(",", 1)[-1].strip() or address
    return address


def client_key(request):
    """A keyed hash standing for the client's address; the address itself is never stored."""
    return salted_hmac("groups.views.client_key", client_address(request)).hexdigest()


def over_limit(request, scope, limit, window_seconds):
    """Count one more request from this client; True once it has sent more than ``limit``."""
    window = int(time.time() // window_seconds)
    key = f"throttle:{scope}:{client_key(request)}:{window}"
    # get-then-set can let a burst of simultaneous requests slip by one or two; that is fine.
    count = cache.get(key, 0) + 1
    cache.set(key, count, window_seconds)
    return count > limit
