"""The "Corridor performance" panel in headless Chromium against the live API (as ``test_browser.py``).

A shipment log chosen with the file input (CSV, then the same log as Parquet) is uploaded to
``POST /api/analytics/cpmm`` and its TFI1/TFI2 table by border crossing, trip table by section and
TFI1 histogram per crossing appear; a synthetic log says so; a bad log lists its problems with line
and column. Screenshots go to ``tests/web/artifacts/analytics*.png``.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pandas as pd
from tests.api.test_analytics_api import HEADER, LOG
from tests.web import test_browser as tb

pytestmark = tb.pytestmark
browser = tb.browser  # the headless Chromium of the other browser tests (a fixture)
dashboard = tb.dashboard  # the page, loaded from the live server


def _upload(d: Any, path: Path) -> None:
    d.execute_script("document.getElementById('analytics').scrollIntoView()")
    d.find_element("id", "analytics-file").send_keys(str(path))
    d.find_element("id", "analytics-submit").click()


def _wait_for_answer(d: Any, path: Path) -> None:
    """Until the panel is done with ``path``: its indicators (or an error) shown, the button free again."""
    tb.wait_for(lambda: ((d.find_element("id", "analytics-summary").text.startswith(path.name)
                          if tb.css(d, "#analytics-summary") else False)
                         or d.find_element("id", "analytics-error").text)
                and d.find_element("id", "analytics-submit").is_enabled(), what=f"the indicators of {path.name}")


def _cells(d: Any, selector: str) -> list[str]:
    return [td.text for td in d.find_element("css selector", selector).find_elements("css selector", "td")]


def test_nav_entry_leads_to_the_panel(dashboard: Any) -> None:
    d = dashboard
    d.find_element("id", "nav-analytics").click()
    top = d.execute_script("return document.getElementById('analytics').getBoundingClientRect().top")
    assert 0 <= top < 900, top
    assert d.find_element("id", "analytics-title").text == "Corridor performance"


def test_upload_a_log_and_see_the_tables(dashboard: Any, tmp_path: Path) -> None:
    d = dashboard
    path = tmp_path / "khorgos-2024.csv"
    path.write_text(HEADER + LOG, encoding="utf-8")
    _upload(d, path)
    _wait_for_answer(d, path)
    assert not d.find_element("id", "analytics-error").text
    assert "8 events, 2 shipments, 2 border crossings" in d.find_element("id", "analytics-summary").text
    assert not tb.css(d, "#analytics-synthetic")
    # TFI1 at khorgos from the hand-computed case: 10 h and 4 h -> mean 7, p10 4.6, p50 7, p90 9.4, max 10
    row = '#analytics-border tr[data-key="khorgos"][data-indicator="tfi1_h"]'
    assert _cells(d, row)[2:] == ["2", "7.0", "4.6", "7.0", "9.4", "10.0"]
    assert _cells(d, '#analytics-border tr[data-key="khorgos"][data-indicator="tfi2_usd"]')[2:4] == ["2", "90"]
    section = '#analytics-sections tr[data-key="almaty → urumqi"]'
    assert len(tb.css(d, section)) == 4  # SWD, SWOD, delay share, TFI3
    # SWD: 700/22 and 35 km/h -> mean 33.4
    assert _cells(d, section + '[data-indicator="swd_kmh"]')[2:4] == ["2", "33.4"]
    chart = tb.css(d, '#analytics-results figure.bcp-chart[data-bcp="khorgos"] svg.chart rect.hist-bar')
    assert sum(int(r.get_attribute("data-count")) for r in chart) == 2
    assert not (logged := tb.errors(d)), logged
    d.execute_script("document.getElementById('analytics-summary').scrollIntoView()")
    tb.screenshot(d, "analytics")


def test_parquet_and_synthetic_logs(dashboard: Any, tmp_path: Path) -> None:
    d = dashboard
    df = pd.read_csv(io.StringIO(HEADER + LOG), dtype=str, keep_default_na=False)
    df["time"] = pd.to_datetime(df["time"], utc=True, format="ISO8601")
    df["source"] = "synthetic (corridor test)"
    path = tmp_path / "synthetic.parquet"
    df.to_parquet(path)
    _upload(d, path)
    _wait_for_answer(d, path)
    assert not d.find_element("id", "analytics-error").text
    assert "8 of 8 events" in d.find_element("id", "analytics-synthetic").text
    assert _cells(d, '#analytics-border tr[data-key="khorgos"][data-indicator="tfi1_h"]')[2:] == [
        "2", "7.0", "4.6", "7.0", "9.4", "10.0"]


def test_bad_log_shows_its_problems(dashboard: Any, tmp_path: Path) -> None:
    d = dashboard
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + LOG.replace("2024-05-01T15:00:00Z", "2024-05-01 15:00"), encoding="utf-8")
    _upload(d, path)
    tb.wait_for(lambda: d.find_element("id", "analytics-error").text, what="the problems of bad.csv")
    assert "bad.csv was rejected" in d.find_element("id", "analytics-error").text
    rows = [_cells(d, f"#analytics-problems tbody tr:nth-child({i + 1})")
            for i in range(len(tb.css(d, "#analytics-problems tbody tr")))]
    assert ["4", "time", "timestamp has no time zone (write Z or +05:00)"] in rows, rows
    assert not tb.css(d, "#analytics-border")
    d.execute_script("document.getElementById('analytics').scrollIntoView()")
    tb.screenshot(d, "analytics-problems")


def test_synthetic_example_charts_and_comparison_with_the_model(dashboard: Any) -> None:
    """The shipped synthetic log: time/cost–distance charts per section, then observed vs model."""
    d = dashboard
    tb.errors(d)  # forget what earlier tests left in the console (the bad log's 422)
    path = Path(__file__).resolve().parents[2] / "examples" / "shipment-log-synthetic.csv"
    _upload(d, path)
    _wait_for_answer(d, path)
    assert not d.find_element("id", "analytics-error").text
    tb.wait_for(lambda: tb.css(d, "#analytics-tcd .tcd-chart svg"), what="the time/cost-distance charts")
    sections = {e.get_attribute("data-section") for e in tb.css(d, "#analytics-tcd .tcd-chart")}
    assert "urumqi → poti" in sections, sections
    d.find_element("id", "analytics-compare").click()
    tb.wait_for(lambda: tb.css(d, "#analytics-ranking tbody tr") or d.find_element("id", "analytics-error").text,
                what="the comparison with the model")
    assert not d.find_element("id", "analytics-error").text
    assert "along the observed path" in d.find_element("id", "analytics-calibration").text
    assert not (logged := tb.errors(d)), logged
    d.execute_script("document.getElementById('analytics-tcd').scrollIntoView()")
    tb.screenshot(d, "analytics-tcd")
    d.execute_script("document.getElementById('analytics-calibration').scrollIntoView()")
    tb.screenshot(d, "analytics-calibration")
