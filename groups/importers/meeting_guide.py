"""Meeting Guide JSON feeds (code4recovery/spec): the shared record's own keys."""

from groups.importers.records import Rejected, json_records, records_from_item


def meeting_guide_records(data):
    results = []
    for record in json_records(data, "A Meeting Guide feed is a JSON array of meetings."):
        if isinstance(record, Rejected):
            results.append(record)
            continue
        label, item = record
        if item.get("slug") not in (None, ""):
            label += f' (slug "{item["slug"]}")'
        results += records_from_item(item, label=label)
    return results
