"""How typed text is matched: place names in the gazetteer and words in a meeting's listing.

Both sides of a match go through ``normalize``, in Python, so a search ignores case and accents
the same way on SQLite and PostgreSQL ("Sao Paulo" finds "São Paulo", "ESPERANZA" finds
"Esperanza").
"""

import re
import unicodedata


def normalize(text):
    """Lower-case, strip accents and punctuation, collapse spaces: how names are matched."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[^\w\s'-]", " ", text.lower())
    return " ".join(text.split())


def search_text(*parts):
    """The stored search column of a listing: its parts, normalized, in one line."""
    return normalize(" ".join(part for part in parts if part))


def search_words(query):
    """The words of a keyword search; a listing matches when its search text holds every one."""
    return normalize(query or "").split()
