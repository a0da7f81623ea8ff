"""Admin: the curation tool for volunteers who keep the listings current, one module per model
(who may edit what is in ``editors``). Importing the modules registers their admins."""

from groups.admin import (
    imports,
    locations,
    meetings,
    named_groups,
    programs,
    sources,
    suggestions,
)

__all__ = [
    "imports",
    "locations",
    "meetings",
    "named_groups",
    "programs",
    "sources",
    "suggestions",
]
