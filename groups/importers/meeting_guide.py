"""Meeting Guide JSON feeds (code4recovery/spec): the shared record's own keys."""

from django.utils.translation import gettext

from groups.importers.records import Rejected, json_records, records_from_item


def meeting_guide_records(data):
    results = []
    not_a_list = gettext("A Meeting Guide feed is a JSON array of meetings.")
    for record in json_records(data, not_a_list):
        if isinstance(record, Rejected):
            results.append(record)
            continue
        label, item = record
        if item.get("slug") not in (None, ""):
            # Translators: a record (e.g. "record 3"), then its slug (its id in the feed).
            label = gettext('%(record)s (slug "%(slug)s")') % {
                "record": label,
                "slug": item["slug"],
            }
        results += records_from_item(item, label=label)
    return results
