"""Drive eligo's /api/v2 with three published ClinicalTrials.gov API v2
clients from PyPI, unchanged except for their base URL:

- pytrials 1.0.0 (requests; version, full studies and study fields, JSON
  and CSV with the site's column names),
- altissimo-clinicaltrials 2.0.5 (generated from the API's own OpenAPI
  document 2.0.5; pydantic models check every response's shape and types),
- ctgov 0.1.1 (urllib; follows nextPageToken through any result set).

Usage: python3 apiv2_clients.py BASE_URL EXPECTED_JSON
EXPECTED_JSON holds what the sample registry's own records say (computed
by the Rust test from the records as imported): every NCT id, those with
phase 2, those naming lupus, the study count.

Prints one line per check and "N passed, M failed"; exits 1 on a failure.
"""

import re
import json
import sys
import traceback

BASE = sys.argv[1].rstrip("/")
EXPECTED = json.loads(sys.argv[2])
ALL_IDS = set(EXPECTED["nct_ids"])
PHASE2 = set(EXPECTED["phase2"])
COUNT = EXPECTED["count"]
NANJING_SEED = "NCT06946485"

results = []


def check(name):
    def wrap(f):
        try:
            f()
            results.append((name, None))
            print(f"ok   {name}")
        except Exception:  # noqa: BLE001 - every failure is reported
            results.append((name, traceback.format_exc()))
            print(f"FAIL {name}\n{traceback.format_exc()}")
        return f

    return wrap


# ---------------------------------------------------------------- pytrials
from pytrials.client import ClinicalTrials  # noqa: E402

ClinicalTrials._BASE_URL = BASE + "/api/v2/"


@check("pytrials: version and data timestamp")
def _():
    ct = ClinicalTrials()
    version, updated = ct.api_info
    assert version == "2.0.5", version
    assert len(updated) == 19 and updated[10] == "T", updated


@check("pytrials: study fields as CSV with the site's column names")
def _():
    ct = ClinicalTrials()
    rows = ct.get_study_fields(
        search_expr="lupus",
        fields=["NCT Number", "Conditions", "Study Title"],
        max_studies=50,
        fmt="csv",
    )
    assert rows[0] == ["NCT Number", "Conditions", "Study Title"], rows[0]
    ids = [r[0] for r in rows[1:]]
    assert NANJING_SEED in ids, ids
    assert len(ids) == len(set(ids))
    for r in rows[1:]:
        text = (r[1] + " " + r[2]).lower()
        # lupus, or SLE (its synonym in the vocabulary) as a word
        sle = "sle" in re.split(r"[^a-z0-9]+", text)
        assert "lupus" in text or sle or r[0] not in ALL_IDS, r


@check("pytrials: study fields as JSON")
def _():
    ct = ClinicalTrials()
    js = ct.get_study_fields(
        search_expr="lupus",
        fields=["NCTId", "Condition", "BriefTitle"],
        max_studies=50,
        fmt="json",
    )
    studies = js["studies"]
    ids = [s["protocolSection"]["identificationModule"].get("nctId") for s in studies]
    assert NANJING_SEED in ids, ids
    for s in studies:
        # A record without an NCT number carries its eligo id instead
        # (docs/server.md), and only that.
        if s["protocolSection"].get("identificationModule", {}).get("nctId"):
            assert set(s) == {"protocolSection"}, s.keys()
        else:
            assert set(s) == {"protocolSection", "eligo"}, s.keys()
            assert list(s["eligo"]) == ["id"], s["eligo"]
            assert s["eligo"]["id"].startswith("ELIGO-"), s["eligo"]
        assert set(s["protocolSection"]) <= {"identificationModule", "conditionsModule"}


@check("pytrials: full studies, JSON and CSV")
def _():
    ct = ClinicalTrials()
    full = ct.get_full_studies(search_expr="lupus", max_studies=10, fmt="json")
    assert 1 <= len(full["studies"]) <= 10
    first = full["studies"][0]
    assert "protocolSection" in first
    rows = ct.get_full_studies(search_expr="lupus", max_studies=10, fmt="csv")
    assert rows[0][:3] == ["NCT Number", "Study Title", "Study URL"], rows[0]
    assert len(rows[0]) == 30


# ------------------------------------------------------- altissimo (OpenAPI)
import clinicaltrials  # noqa: E402
from clinicaltrials.api.stats_api import StatsApi  # noqa: E402
from clinicaltrials.api.studies_api import StudiesApi  # noqa: E402
from clinicaltrials.api.version_api import VersionApi  # noqa: E402
from clinicaltrials.exceptions import ApiException  # noqa: E402

client = clinicaltrials.ApiClient(clinicaltrials.Configuration(host=BASE + "/api/v2"))
studies_api = StudiesApi(client)


def nct(study):
    ident = study.protocol_section.identification_module if study.protocol_section else None
    return ident.nct_id if ident else None


def every_page(**kw):
    """Every study of a query, page by page, and the first page's total."""
    seen, total, token = [], None, None
    for _ in range(1000):
        page = studies_api.list_studies(page_token=token, **kw)
        if token is None:
            total = page.total_count
        seen.extend(page.studies)
        token = page.next_page_token
        if not token:
            return seen, total
    raise AssertionError("paging did not end")


@check("altissimo: the whole registry, page by page, each study once")
def _():
    for size in (1, 4, 25, 1000):
        seen, total = every_page(page_size=size, count_total=True)
        assert total == COUNT, (size, total, COUNT)
        assert len(seen) == COUNT, (size, len(seen))
        ids = [nct(s) for s in seen if nct(s)]
        assert len(ids) == len(set(ids)), size
        assert set(ids) == ALL_IDS, size


@check("altissimo: sorted by a date, paged")
def _():
    seen, _ = every_page(page_size=3, sort=["LastUpdatePostDate:desc"])
    dates = []
    for s in seen:
        m = s.protocol_section.status_module if s.protocol_section else None
        d = m.last_update_post_date_struct.var_date if m and m.last_update_post_date_struct else None
        dates.append(d)
    known = [d for d in dates if d is not None]
    assert known == sorted(known, reverse=True), dates
    assert all(d is None for d in dates[len(known):]), "studies without the date come last"


@check("altissimo: filter.geo near Nanjing and Paris")
def _():
    near = lambda geo: {nct(s) for s in every_page(filter_geo=geo, page_size=100)[0]}  # noqa: E731
    assert NANJING_SEED in near("distance(32.0617,118.7778,50mi)")
    assert NANJING_SEED not in near("distance(48.8566,2.3522,50mi)")


@check("altissimo: filter.advanced, filter.overallStatus, aggFilters")
def _():
    phase2 = {nct(s) for s in every_page(filter_advanced="AREA[Phase]PHASE2", page_size=50)[0]}
    assert phase2 == PHASE2, (phase2 ^ PHASE2)
    rec = every_page(filter_overall_status=["RECRUITING", "NOT_YET_RECRUITING"], page_size=50)[0]
    assert rec and all(
        s.protocol_section.status_module.overall_status.value in ("RECRUITING", "NOT_YET_RECRUITING")
        for s in rec
    )
    agg = every_page(agg_filters="status:rec not", page_size=50)[0]
    assert {nct(s) for s in agg} == {nct(s) for s in rec}


@check("altissimo: fields and the study endpoint")
def _():
    page = studies_api.list_studies(fields=["NCTId", "BriefTitle", "OverallStatus"], page_size=5)
    for s in page.studies:
        d = s.to_dict()
        assert set(d) == {"protocolSection"}, d.keys()
        assert set(d["protocolSection"]) <= {"identificationModule", "statusModule"}
    one = studies_api.fetch_study(NANJING_SEED)
    text = one if isinstance(one, str) else json.dumps(one)
    assert NANJING_SEED in text


@check("altissimo: version, sizes, metadata, search areas, field values")
def _():
    v = VersionApi(client).version()
    assert v.api_version == "2.0.5"
    sizes = StatsApi(client).size_stats()
    assert sizes.total_studies == COUNT
    meta = studies_api.studies_metadata()
    assert meta[0].name == "protocolSection" and meta[0].children
    areas = studies_api.search_areas()
    names = {a.name for a in areas[0].areas}
    assert {"ConditionSearch", "BasicSearch", "LocationSearch"} <= names, names
    stats = StatsApi(client).field_values_stats(fields=["Phase", "HasResults"])
    phase = stats[0].actual_instance
    assert phase.piece == "Phase"
    counts = {tv.value: tv.studies_count for tv in phase.top_values}
    assert counts.get("PHASE2") == len(PHASE2), counts


@check("altissimo: a bad parameter is a 400 naming it")
def _():
    try:
        studies_api.list_studies(sort=["BriefTitle"])
    except ApiException as e:
        assert e.status == 400, e.status
        assert "sort" in (e.body or ""), e.body
    else:
        raise AssertionError("no error")


# ------------------------------------------------------------------ ctgov
import ctgov.client as ctgov_client  # noqa: E402

ctgov_client.BASE_URL = BASE + "/api/v2/"
ct = ctgov_client.Client(delay=0, retries=1)


@check("ctgov: version, count and paging through every study")
def _():
    assert ct.version()["apiVersion"] == "2.0.5"
    assert ct.count() == COUNT
    ids = [
        s["protocolSection"]["identificationModule"].get("nctId")
        for s in ct.iter_studies(page_size=6)
    ]
    assert len(ids) == COUNT, len(ids)
    real = [i for i in ids if i]
    assert len(real) == len(set(real)) and set(real) == ALL_IDS


@check("ctgov: an Essie query, fields, a filter and one study")
def _():
    got = ct.studies("AREA[Phase]PHASE2", fields=["NCTId"])
    ids = {s["protocolSection"]["identificationModule"]["nctId"] for s in got}
    assert ids == PHASE2, ids ^ PHASE2
    assert ct.count("AREA[Phase]PHASE2") == len(PHASE2)
    completed = ct.studies(filters={"overallStatus": "COMPLETED"}, fields=["OverallStatus"])
    assert completed and all(
        s["protocolSection"]["statusModule"]["overallStatus"] == "COMPLETED" for s in completed
    )
    one = ct.study(NANJING_SEED)
    assert one["protocolSection"]["identificationModule"]["nctId"] == NANJING_SEED


failed = [n for n, e in results if e]
print(f"{len(results) - len(failed)} passed, {len(failed)} failed")
sys.exit(1 if failed else 0)
