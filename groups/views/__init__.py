"""Views by audience: ``pages`` for people looking for a meeting, ``exports`` for the apps and
calendars that read our data, ``suggestions`` for visitors who correct it."""
