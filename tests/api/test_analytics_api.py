"""``POST /api/analytics/cpmm``: a shipment log uploaded as CSV or Parquet, CPMM indicators as JSON.

Expected numbers are computed by hand from the CPMM definitions (docs/ANALYTICS.md), not copied from
the code's output.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.api.helpers import assert_error

from corridor.api import create_app

CSV = {"content-type": "text/csv"}
PARQUET = {"content-type": "application/vnd.apache.parquet"}
HEADER = "shipment,commodity,mode,event,node,time,km,tonnes,cost_type,cost_usd,direction,bcp\n"

# Two road trips almaty -> urumqi through khorgos (node ids of the built-in network):
# S1, 20 t: departure h 0 km 0; border entry h 5 km 300; exit h 15 (120 USD customs); arrival h 22 km 700
#   (880 USD freight). TFI1 10 h, TFI2 120 USD; D 700, T 22, S 10, C 1,000 -> SWD 700/22, SWOD 700/12,
#   delay share 1 - 12/22, TFI3 1000 * 500/700 * 20/20 = 714.29.
# S2, 10 t, a day later: entry h 6 km 300; exit h 10 (60 USD); arrival h 20 km 700 (440 USD).
#   TFI1 4 h, TFI2 60 USD; D 700, T 20, S 4, C 500 -> SWD 35, SWOD 700/16, TFI3 500 * 500/700 * 20/10 = 714.29.
# TFI1 at khorgos over both: mean 7, p10 = 4 + 0.1 * 6 = 4.6, p50 7, p90 = 4 + 0.9 * 6 = 9.4, max 10.
LOG = """\
S1,steel,road,departure,almaty,2024-05-01T00:00:00Z,0,20,,,outbound,
S1,steel,road,border_entry,khorgos,2024-05-01T05:00:00Z,300,20,,,outbound,
S1,steel,road,border_exit,khorgos,2024-05-01T15:00:00Z,300,20,customs,120,outbound,
S1,steel,road,arrival,urumqi,2024-05-01T22:00:00Z,700,20,freight,880,outbound,
S2,steel,road,departure,almaty,2024-05-02T05:00:00+05:00,0,10,,,outbound,
S2,steel,road,border_entry,khorgos,2024-05-02T06:00:00Z,300,10,,,outbound,
S2,steel,road,border_exit,khorgos,2024-05-02T10:00:00Z,300,10,customs,60,outbound,
S2,steel,road,arrival,urumqi,2024-05-02T20:00:00Z,700,10,freight,440,outbound,
"""
URL = "/api/analytics/cpmm"


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Any:
    with TestClient(create_app(store=tmp_path_factory.mktemp("store") / "runs.duckdb")) as c:
        yield c


def _row(rows: list[dict[str, Any]], indicator: str, **keys: str) -> dict[str, Any]:
    found = [r for r in rows if r["indicator"] == indicator and all(r[k] == v for k, v in keys.items())]
    assert len(found) == 1, rows
    return found[0]


def _parquet(text: str) -> bytes:
    df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    df["time"] = pd.to_datetime(df["time"], utc=True, format="ISO8601")
    for c in ("km", "tonnes"):
        df[c] = df[c].astype(float)
    buf = io.BytesIO()
    df.to_parquet(buf)
    return buf.getvalue()


def test_csv_gives_the_hand_computed_indicators(api: TestClient) -> None:
    r = api.post(URL, content=HEADER + LOG, headers=CSV)
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["log"] == {"name": "upload.csv", "events": 8, "shipments": 2, "synthetic_events": 0}
    assert d["synthetic"] is False
    assert [x["tfi1_h"] for x in d["crossings"]] == [10.0, 4.0]
    assert [x["tfi2_usd"] for x in d["crossings"]] == [120.0, 60.0]
    tfi1 = _row(d["border_by_bcp"], "tfi1_h", bcp="khorgos")
    assert tfi1["count"] == 2
    assert tfi1["mean"] == pytest.approx(7.0)
    assert tfi1["p10"] == pytest.approx(4.6)
    assert tfi1["p50"] == pytest.approx(7.0)
    assert tfi1["p90"] == pytest.approx(9.4)
    assert tfi1["max"] == pytest.approx(10.0)
    assert _row(d["border_by_bcp"], "tfi2_usd", bcp="khorgos")["mean"] == pytest.approx(90.0)
    sec = "almaty → urumqi"
    assert _row(d["travel_by_section"], "swd_kmh", section=sec)["mean"] == pytest.approx((700 / 22 + 35) / 2)
    assert _row(d["travel_by_section"], "swod_kmh", section=sec)["mean"] == pytest.approx((700 / 12 + 700 / 16) / 2)
    share = _row(d["travel_by_section"], "delay_share", section=sec)["mean"]
    assert share == pytest.approx(((1 - 12 / 22) + (1 - 16 / 20)) / 2)
    tfi3 = _row(d["travel_by_section"], "tfi3_usd", section=sec)
    assert tfi3["mean"] == pytest.approx(1000 * 500 / 700)
    # pooled: (1000 + 500) / (700/500 * 20/20 + 700/500 * 10/20) = 1500 / 2.1
    assert tfi3["tfi3_pooled_usd"] == pytest.approx(1500 / 2.1)


@pytest.mark.parametrize("ctype", ["application/vnd.apache.parquet", "application/octet-stream"])
def test_parquet_upload_gives_the_same_answer(api: TestClient, ctype: str) -> None:
    r = api.post(URL, content=_parquet(HEADER + LOG), headers={"content-type": ctype})
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["log"]["name"] == "upload.parquet"
    assert _row(d["border_by_bcp"], "tfi1_h", bcp="khorgos")["p90"] == pytest.approx(9.4)
    csv = api.post(URL, content=HEADER + LOG, headers=CSV).json()
    assert d["trips"] == csv["trips"]


def test_synthetic_log_is_labelled(api: TestClient) -> None:
    text = "".join(line + (",synthetic (corridor analytics synth; seed 1)\n" if i < 4 else ",survey 2024\n")
                   for i, line in enumerate(LOG.splitlines()))
    r = api.post(URL, content=HEADER.rstrip("\n") + ",source\n" + text, headers=CSV)
    assert r.status_code == 200, r.text
    assert r.json()["synthetic"] is True
    assert r.json()["log"]["synthetic_events"] == 4


def test_network_check(api: TestClient) -> None:
    assert api.post(URL + "?network=eurasia", content=HEADER + LOG, headers=CSV).status_code == 200
    bad = HEADER + LOG.replace("urumqi,2024-05-01", "Atlantis,2024-05-01")
    err = assert_error(api.post(URL + "?network=eurasia", content=bad, headers=CSV), 422, "node")
    assert err["problems"][0]["where"] == "upload.csv:5"
    assert api.post(URL, content=bad, headers=CSV).status_code == 200  # no check without ?network=
    assert_error(api.post(URL + "?network=mars", content=HEADER + LOG, headers=CSV), 422, "network")


def test_bad_log_lists_line_and_field(api: TestClient) -> None:
    bad = HEADER + LOG.replace("2024-05-01T15:00:00Z", "2024-05-01 15:00")
    bad = bad.replace(",300,10,customs,60", ",-3,10,customs,60")
    err = assert_error(api.post(URL, content=bad, headers=CSV), 422)
    got = {(p["where"], p["field"]) for p in err["problems"]}
    assert ("upload.csv:4", "time") in got  # naive timestamp on line 4 (the header is line 1)
    assert ("upload.csv:8", "km") in got  # negative km marker
    assert "problems" in err["message"]


def test_bad_parquet_rows_are_numbered(api: TestClient) -> None:
    df = pd.read_parquet(io.BytesIO(_parquet(HEADER + LOG)))
    df.loc[2, "event"] = "teleport"
    buf = io.BytesIO()
    df.to_parquet(buf)
    err = assert_error(api.post(URL, content=buf.getvalue(), headers=PARQUET), 422, "event")
    got = {(p["where"], p["field"], p["message"].split(",")[0]) for p in err["problems"]}
    assert ("upload.parquet:row 3", "event", "unknown event type") in got  # rows count from 1, no header
    assert ("upload.parquet:row 2", "event", "border_entry without its border_exit") in got


@pytest.mark.parametrize(("body", "headers", "where"), [
    (b"", CSV, "upload.csv"),
    (b"\xff\xfe\x00garbage", CSV, "upload.csv"),
    (b'"unterminated\n', CSV, "upload.csv"),
    ((HEADER + LOG).encode(), PARQUET, "upload.parquet"),
    (b"PAR1 not really PAR1", {"content-type": "application/octet-stream"}, "upload.parquet"),
    (HEADER.encode(), CSV, None),  # a header alone: a valid, empty log
])
def test_unreadable_bodies_are_422_not_500(api: TestClient, body: bytes, headers: dict[str, str],
                                           where: str | None) -> None:
    r = api.post(URL, content=body, headers=headers)
    if where is None:
        assert r.status_code == 200, r.text
        assert r.json()["crossings"] == []
        return
    err = assert_error(r, 422)
    assert err["problems"][0]["where"] == where


def test_wrong_content_type_is_415(api: TestClient) -> None:
    assert_error(api.post(URL, content=HEADER + LOG, headers={"content-type": "application/json"}), 415,
                 "content-type")
    assert_error(api.post(URL, json={"log": HEADER + LOG}), 415, "content-type")
    assert_error(api.post(URL), 415, "content-type")  # no body, no type


def test_body_too_large_is_413(api: TestClient, tmp_path: Path) -> None:
    big = HEADER + LOG * (1024 * 1024 // len(LOG) + 1)
    assert len(big.encode()) > 1024 * 1024
    assert_error(api.post(URL, content=big, headers=CSV), 413)
    small = TestClient(create_app(store=tmp_path / "runs.duckdb", max_body=200))
    assert_error(small.post(URL, content=HEADER + LOG, headers=CSV), 413)


def test_in_the_openapi_spec(api: TestClient) -> None:
    op = api.get("/openapi.json").json()["paths"][URL]["post"]
    assert "TFI1" in op["description"]
    assert set(op["requestBody"]["content"]) == {"text/csv", "application/vnd.apache.parquet",
                                                 "application/octet-stream"}
    assert {"200", "413", "415", "422"} <= set(op["responses"])
    assert "synthetic" in op["responses"]["200"]["content"]["application/json"]["schema"]["required"]
    assert [p["name"] for p in op["parameters"]] == ["network"]


_COLUMNS = st.sampled_from(["shipment", "commodity", "mode", "event", "node", "time", "km", "tonnes", "cost_usd",
                            "bcp", "source", "lon", "x"])
_CELLS = st.one_of(st.sampled_from(["", "road", "departure", "arrival", "border_entry", "border_exit", "-1", "1e309",
                                    "2024-05-01T00:00:00Z", "2024-05-01", "nan", "S1", '"', "synthetic"]),
                   st.text(max_size=8))


@given(header=st.lists(_COLUMNS, min_size=1, max_size=8),
       rows=st.lists(st.lists(_CELLS, max_size=9), max_size=6))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_csv_is_answered_200_or_422(api: TestClient, header: list[str], rows: list[list[str]]) -> None:
    text = "\n".join([",".join(header), *(",".join(r) for r in rows)])
    r = api.post(URL, content=text.encode("utf-8", "surrogatepass"), headers=CSV)
    assert r.status_code in (200, 422), r.text
    if r.status_code == 422:
        assert_error(r, 422)


# Time/cost–distance of the same two trips, by hand: both pass almaty, khorgos, urumqi (waypoints).
# S1 reaches urumqi at h 22 with 1,000 USD, S2 (departure 05:00+05:00 = 00:00Z) at h 20 with 500 USD:
# medians at urumqi 21 h and 750 USD; at khorgos on arrival 5.5 h (5 and 6), on leaving 12.5 h (15 and 10)
# and 90 USD (120 and 60).
TCD_URL = "/api/analytics/tcd"


def test_tcd_gives_hand_computed_medians_and_a_chart(api: TestClient) -> None:
    r = api.post(TCD_URL, content=HEADER + LOG, headers=CSV)
    assert r.status_code == 200, r.text
    d = r.json()
    assert "points" not in d
    rows = [c for c in d["corridors"] if c["section"] == "almaty → urumqi"]
    assert {c["method"] for c in rows} == {"waypoints"}
    last = rows[-1]
    assert (last["distance_km"], last["elapsed_h_p50"], last["cumulative_usd_p50"]) == (700.0, 21.0, 750.0)
    at_border = [c for c in rows if c["distance_km"] == 300.0]
    assert [c["elapsed_h_p50"] for c in at_border] == [5.5, 12.5]
    assert at_border[-1]["cumulative_usd_p50"] == pytest.approx(90.0)
    assert [c["name"] for c in d["charts"]] == ["almaty → urumqi"]
    svg = d["charts"][0]["svg"]
    assert "<svg" in svg and "khorgos" in svg.lower() and "http" not in svg.replace("http://www.w3.org", "")
    with_points = api.post(TCD_URL + "?points=true", content=HEADER + LOG, headers=CSV).json()
    assert len(with_points["points"]) == 8


def test_tcd_bad_log_is_422(api: TestClient) -> None:
    bad = HEADER + LOG.replace("2024-05-01T22:00:00Z", "yesterday")
    assert_error(api.post(TCD_URL, content=bad, headers=CSV), 422, "time")


CAL_URL = "/api/analytics/calibrate"


@pytest.fixture(scope="module")
def biased_log() -> bytes:
    """A synthetic log on the built-in network with the Beyuk-Kesik border planted at twice the model's time."""
    import corridor
    from corridor.analytics import DEFAULT_CORRIDORS, synthesize

    titr = next(c for c in DEFAULT_CORRIDORS if (c.origin, c.destination) == ("urumqi", "poti"))  # by Aktau and Baku
    frame = synthesize(corridor.load().network, shipments=120, seed=11, time_factors={"beyuk-kesik-border": 2.0},
                       pairs=[titr])
    return frame.to_csv(index=False).encode()


def test_calibrate_finds_the_planted_border_and_writes_a_scenario(api: TestClient, biased_log: bytes) -> None:
    import yaml

    from corridor.scenarios.spec import scenario_from_text

    r = api.post(CAL_URL + "?top=2", content=biased_log, headers=CSV)
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["synthetic"] is True
    assert d["statistic"] == "mean"
    assert d["ranking"][0]["id"] == "beyuk-kesik-border"
    # 120 trips, border CV 0.6 (synth's assumption): the mean is within ±3 × 0.6/√120 ≈ 16 % of 2 × model
    assert d["ranking"][0]["ratio"] == pytest.approx(2.0, rel=0.17)
    assert {t["model_path"] for t in d["trips"]} == {"observed"}
    doc = yaml.safe_load(d["scenario_yaml"])
    assert doc["base"] == {"dataset": "eurasia", "year": 2021}
    assert doc["engine"] == {"method": "sue"}
    assert doc["changes"][0]["change_time"]["select"]["id"] == "beyuk-kesik-border"
    assert len(doc["changes"]) <= 2
    assert scenario_from_text(d["scenario_yaml"]).name == "calibrated-upload"
    p50 = api.post(CAL_URL + "?statistic=p50", content=biased_log, headers=CSV).json()
    assert p50["statistic"] == "p50"


def test_calibrate_bad_query_and_unknown_commodity(api: TestClient) -> None:
    assert_error(api.post(CAL_URL + "?statistic=mode", content=HEADER + LOG, headers=CSV), 422)
    # "steel" is not a commodity of the built-in network: named with its line
    err = assert_error(api.post(CAL_URL, content=HEADER + LOG, headers=CSV), 422, "commodity")
    assert any(p["where"] == "upload.csv:2" for p in err["problems"]), err


def test_a_synthetic_log_gives_a_scenario_that_says_so(api: TestClient, biased_log: bytes) -> None:
    import yaml

    d = api.post(CAL_URL, content=biased_log, headers=CSV).json()
    doc = yaml.safe_load(d["scenario_yaml"])
    assert d["synthetic"] is True
    assert "synthetic (generated, not observed)" in doc["sources"]["LOG"]
    assert "SYNTHETIC" in doc["description"]


def test_the_query_choices_are_the_engines_own() -> None:
    """The endpoint's typed choices (literals, for the OpenAPI spec) are those of compare and the planner."""
    from typing import get_args

    from corridor.analytics.compare import STATISTICS
    from corridor.api.routes_analytics import By, Statistic
    from corridor.routing import BY

    assert get_args(get_args(Statistic)[0]) == tuple(STATISTICS)
    assert set(get_args(get_args(By)[0])) == set(BY)
