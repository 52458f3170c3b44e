"""The dashboard in headless Chromium, driven by Selenium against a live server on 127.0.0.1.

The map draws the network with no internet (every resource the page loads comes from the test
server), a route Dostyk → Poti avoiding Russia is planned and drawn, the northern-route-closed
scenario runs as a job and shows its comparison and flow map, a scenario built in the builder
(a border closed, a sea line closed from the map, a capacity scaled, demand grown) is validated, run
and drawn, a small sweep shows its histograms and bottleneck frequencies, and the Aktau hub
simulation shows its KPIs.
Screenshots go to ``tests/web/artifacts/`` (ignored by git); their paths are printed (``pytest -s``).
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from corridor import web

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")

pytestmark = [
    pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (Debian: apt-get install chromium)"),
    pytest.mark.skipif(CHROMEDRIVER is None,
                       reason="chromedriver is not installed (Debian: apt-get install chromium-driver)"),
    pytest.mark.skipif(bool(web.missing_vendor_files()),
                       reason="the dashboard's npm packages are not installed (make web)"),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1400,900", "--lang=en-US"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def wait_for(check: Callable[[], Any], timeout: float = 30.0, what: str = "the page") -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.1)


def screenshot(driver: Any, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    driver.save_screenshot(str(path))
    print(f"screenshot: {path}")
    return path


def errors(driver: Any) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


@pytest.fixture(scope="module")
def dashboard(browser: Any, live_server: str) -> Any:
    browser.get(live_server + "/")
    wait_for(lambda: browser.execute_script("return document.body.dataset.ready"), what="the map to load")
    return browser


def css(driver: Any, selector: str) -> list[Any]:
    return driver.find_elements("css selector", selector)


def test_map_draws_the_network_offline(dashboard: Any, live_server: str) -> None:
    d = dashboard
    assert d.execute_script("return document.body.dataset.ready") == "yes", d.find_element("id", "status").text
    status = d.find_element("id", "status").text
    assert "nodes" in status, status
    countries = len(css(d, ".leaflet-countries-pane path"))
    links = len(css(d, ".leaflet-overlay-pane path.link"))
    markers = len(css(d, ".leaflet-overlay-pane path")) - links + len(css(d, ".leaflet-marker-icon .sym"))
    assert countries > 100, countries  # Natural Earth 1:110m has 177 countries
    assert links > 100, links
    assert markers > 80, markers
    assert len(css(d, ".leaflet-marker-icon .sym-border")) > 10, "border symbols"
    assert len(css(d, ".leaflet-marker-icon .sym-port")) > 10, "port symbols"
    assert not css(d, ".leaflet-tile"), "no tile layer"
    loaded = d.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert loaded, "no resource timing entries"
    assert all(u.startswith(live_server) for u in loaded), [u for u in loaded if not u.startswith(live_server)]
    assert not (logged := errors(d)), logged
    screenshot(d, "map")
    # the layer control hides a mode
    sea = len(css(d, "path.mode-sea"))
    assert sea > 10, sea
    toggle = next(label for label in css(d, ".leaflet-control-layers-overlays label") if " sea (" in label.text)
    toggle.find_element("css selector", "input").click()
    assert not css(d, "path.mode-sea")
    toggle.find_element("css selector", "input").click()
    assert len(css(d, "path.mode-sea")) == sea
    # a link's popup on click
    d.execute_script("""const l = window.corridorMap.layers.links.getLayers()[0].getLayers()[0];
                        l.openPopup(l.getCenter());""")
    # the popup fades in: Selenium reads no text while it is transparent
    text = wait_for(lambda: " ".join(p.text for p in css(d, ".leaflet-popup-content")), what="a popup")
    assert "mode" in text, text
    d.execute_script("window.corridorMap.map.closePopup()")


def test_plan_a_route_avoiding_russia(dashboard: Any) -> None:
    d = dashboard
    d.find_element("id", "origin").send_keys("Dostyk")
    d.find_element("id", "destination").send_keys("Poti")
    options = wait_for(lambda: [o.get_attribute("value") for o in css(d, "#destination-list option")],
                       what="suggestions from /api/nodes")
    assert "Poti" in options
    d.find_element("css selector", "#avoid-list input[value='RU']").click()
    d.find_element("id", "route-submit").click()
    rows = wait_for(lambda: css(d, "#route-table tbody tr"), what="the routes table")
    assert len(rows) == 3
    for row in rows:
        assert "RU" not in row.text.split()[-1].split("-")
    legs = wait_for(lambda: css(d, "path.route-leg"), what="the route on the map")
    assert len(legs) >= 5
    assert css(d, "#route-detail svg.chart polyline.profile-time")
    assert "poti" in d.find_element("id", "route-detail").text
    rows[1].click()
    wait_for(lambda: "chosen" in (css(d, "#route-table tbody tr")[1].get_attribute("class") or ""),
             what="the second route to be chosen")
    assert not errors(d)
    screenshot(d, "route")


def test_pareto_set(dashboard: Any) -> None:
    from selenium.webdriver.support.ui import Select

    d = dashboard
    for field, value in (("origin", "Dostyk"), ("destination", "Poti")):
        d.find_element("id", field).clear()
        d.find_element("id", field).send_keys(value)
    for box in css(d, "#avoid-list input:checked"):
        box.click()
    Select(d.find_element("id", "search")).select_by_value("pareto")
    d.find_element("id", "route-submit").click()
    def caption() -> str:
        return " ".join(c.text for c in css(d, "#route-table caption"))

    wait_for(lambda: "Dostyk → Poti;" in caption(), what="the Pareto table")  # "…, avoiding RU;" before
    rows = css(d, "#route-table tbody tr")
    assert len(rows) > 3, len(rows)
    assert any("RU" in row.text for row in rows)  # nothing avoided now
    Select(d.find_element("id", "search")).select_by_value("k3")


def test_unknown_place_shows_the_message(dashboard: Any) -> None:
    d = dashboard
    d.find_element("id", "origin").clear()
    d.find_element("id", "origin").send_keys("Atlantis")
    d.find_element("id", "route-submit").click()
    message = wait_for(lambda: d.find_element("id", "route-error").text, what="the error message")
    assert "Atlantis" in message or "atlantis" in message.lower()
    d.get_log("browser")  # the 4xx answer is logged by Chromium: expected here


def test_run_a_scenario_and_compare(dashboard: Any) -> None:
    from selenium.webdriver.support.ui import Select

    d = dashboard
    Select(d.find_element("id", "scenario-select")).select_by_value("northern-route-closed")
    assert "Russia" in d.find_element("id", "scenario-description").text
    d.find_element("id", "scenario-submit").click()
    wait_for(lambda: css(d, "#totals-table tbody tr") or d.find_element("id", "scenario-error").text,
             timeout=90, what="the comparison")
    assert not d.find_element("id", "scenario-error").text
    totals = d.find_element("id", "totals-table").text
    assert "total cost" in totals
    assert css(d, "#corridor-shares tbody tr")
    assert "trans-caspian" in d.find_element("id", "corridor-shares").text
    assert d.execute_script("return document.getElementById('scenario-bar').value") == 1
    # the flow map: the scenario's flows first, then the change against the baseline (the legend's toggle)
    wait_for(lambda: d.execute_script("return document.body.dataset.flowView") == "scenario", what="the flow map")
    assert len(css(d, "path.flow-line")) > 50
    d.find_element("id", "flow-view-change").click()
    wait_for(lambda: d.execute_script("return document.body.dataset.flowView") == "change", what="the change view")
    flows = css(d, "path.flow-change")
    assert len(flows) > 50
    assert css(d, "path.flow-up")
    assert css(d, "path.flow-down")
    assert not css(d, "path.flow-line")
    assert len(css(d, "path.closed")) > 5  # the Russian and Belarusian nodes, closed to transit
    assert not errors(d)
    d.execute_script("document.getElementById('scenario-results').scrollIntoView()")
    screenshot(d, "scenario")


def stroke_widths(driver: Any, selector: str) -> list[float]:
    return [float(w) for w in driver.execute_script(
        "return [...document.querySelectorAll(arguments[0])].map((p) => p.getAttribute('stroke-width'))", selector)]


REAL_API = pytest.mark.skipif(os.environ.get("CORRIDOR_WEB_TEST_APP") == "stub",
                              reason="the stub has no scenario validation, YAML runs or sweeps")


@REAL_API
def test_build_a_scenario_run_it_and_see_the_flow_map(dashboard: Any) -> None:
    d = dashboard
    d.execute_script("const b = document.getElementById('builder'); b.open = true; b.scrollIntoView()")
    yaml = d.find_element("id", "builder-yaml")
    assert yaml.get_attribute("readonly") is not None
    wait_for(lambda: "name: baseline-2021-built" in yaml.get_attribute("value"), what="the baseline's YAML")
    assert "changes: []" in yaml.get_attribute("value")
    # a name that is no node or link is refused in the page
    d.find_element("id", "builder-close-search").send_keys("Atlantis")
    d.find_element("id", "builder-close-add").click()
    assert "Atlantis: not a node or link" in d.find_element("id", "builder-problems").text
    # a border crossing from the searchable list (borders, ports and sea lines), by its name
    listed = {o.get_attribute("value") for o in css(d, "#builder-close-list option")}
    assert {"khorgos", "aktau", "aktau-alat-ferry"} <= listed
    search = d.find_element("id", "builder-close-search")
    search.clear()
    search.send_keys("Khorgos")
    d.find_element("id", "builder-close-add").click()
    assert not d.find_element("id", "builder-problems").text
    # a sea line from its popup on the map
    d.execute_script("""const l = window.corridorMap.layers.links.getLayers().flatMap((g) => g.getLayers())
                          .find((x) => x.feature.properties.id === 'aktau-alat-tanker');
                        l.openPopup(l.getCenter());""")
    wait_for(lambda: css(d, ".leaflet-popup-content button.builder-close"), what="the popup's close button")[0].click()
    closures = [li.get_attribute("data-id") for li in css(d, "#builder-closures li")]
    assert closures == ["khorgos", "aktau-alat-tanker"]
    # a capacity slider (Dostyk station at 150 %) and demand growth (+10 % on all demand)
    d.find_element("id", "builder-cap-search").send_keys("dostyk-station")
    d.find_element("id", "builder-cap-add").click()
    d.execute_script("""const s = document.querySelector('.cap-row[data-id="dostyk-station"] input');
                        s.value = 150; s.dispatchEvent(new Event('input'));""")
    assert "150 %" in d.find_element("css selector", ".cap-row[data-id='dostyk-station'] output").text
    growth = d.find_element("id", "builder-growth")
    # the API's problems, with the YAML's line, when it refuses the scenario (demand shrunk below nothing)
    growth.clear()
    growth.send_keys("-150")
    assert "factor: -0.5" in yaml.get_attribute("value")
    d.find_element("id", "builder-validate").click()
    problem = wait_for(lambda: d.find_element("id", "builder-problems").text, what="the API's problems")
    assert "<request>:" in problem and "grow_demand.factor" in problem, problem
    d.get_log("browser")  # the 400 is logged by Chromium: expected here
    growth.clear()
    growth.send_keys("10")
    text = yaml.get_attribute("value")
    assert "  - close_node: [khorgos]" in text, text
    assert "  - close_link: [aktau-alat-tanker]" in text, text
    assert "  - scale_capacity: {select: {id: dostyk-station}, factor: 1.5}" in text, text
    assert "  - grow_demand: {select: {commodity: [container, grain, coal, metals, oil, general]}, factor: 1.1}" in text
    assert "engine:\n  method: sue" in text, text
    d.find_element("id", "builder-validate").click()
    wait_for(lambda: "Valid" in d.find_element("id", "builder-note").text, what="the API's validation")
    assert "4 changes" in d.find_element("id", "builder-note").text
    d.find_element("id", "builder-run").click()
    wait_for(lambda: css(d, "#totals-table tbody tr") or d.find_element("id", "scenario-error").text,
             timeout=90, what="the comparison")
    assert not d.find_element("id", "scenario-error").text
    # textContent, not .text: the visible text is empty until Chromium has laid the table out (seen under load)
    results = d.find_element("id", "scenario-results")
    wait_for(lambda: "baseline-2021-built" in results.get_attribute("textContent"), what="the scenario's name")
    assert "close_node khorgos" in d.find_element("id", "scenario-results").get_attribute("textContent")
    # the flow map: widths by the scenario's flow, colours by utilisation, closed elements marked
    wait_for(lambda: d.execute_script("return document.body.dataset.flowView") == "scenario", what="the flow map")
    widths = stroke_widths(d, "path.flow-line")
    assert len(widths) > 50 and len(set(widths)) > 20, widths
    assert max(widths) > 3 * min(widths)
    assert css(d, "path.flow-line.util-none")  # links without a capacity in the data
    assert css(d, "path.flow-line.util-full")  # the CPC pipeline at its capacity
    assert css(d, "path.util-node")  # ports, borders and stations with a capacity
    assert len(css(d, "path.closed-link")) >= 3  # the Khorgos links and the tanker line
    assert css(d, ".closed-node")  # Khorgos crossed
    legend = d.find_element("css selector", ".flow-legend").text
    assert "utilisation" in legend and "closed link" in legend
    d.find_element("id", "flow-view-change").click()
    wait_for(lambda: css(d, "path.flow-change"), what="the change view")
    changes = stroke_widths(d, "path.flow-change")
    assert len(set(changes)) > 5
    assert css(d, "path.flow-up") and css(d, "path.flow-down")
    assert "more than the baseline" in d.find_element("css selector", ".flow-legend").text
    d.find_element("id", "flow-view-scenario").click()
    assert not errors(d)
    d.execute_script("document.getElementById('builder').scrollIntoView()")
    d.execute_script("window.corridorMap.map.setView([44, 67], 5, {animate: false})")  # the Caspian and Khorgos
    screenshot(d, "builder")


@REAL_API
def test_the_builder_writes_every_shipped_scenario_back_unchanged(dashboard: Any) -> None:
    """The builder's YAML of each shipped scenario, with nothing added, is the same scenario to the API.

    The API's parse of the YAML (base, changes with their notes, engine, uncertain parameters) equals
    the example's: the serialiser wrote every change kind, selector, ``$parameter`` and distribution the
    examples use. The content hash is the same too where the example writes no integral number as a
    float (``15.0``: JSON, and so the page, cannot tell it from ``15``; the hash can).
    """
    out = dashboard.execute_async_script("""const done = arguments[arguments.length - 1];
        const canon = (v) => (Array.isArray(v) ? v.map(canon) : v && typeof v === "object"
          ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canon(v[k])])) : v);
        const same = (a, b) => ["dataset", "year", "changes", "engine", "uncertain"]
          .every((k) => JSON.stringify(canon(a[k])) === JSON.stringify(canon(b[k])));
        (async () => {
          const { scenarioYaml } = await import("/web/builder.js");
          const { getJSON, postJSON } = await import("/web/api.js");
          const out = {};
          for (const { name } of (await getJSON("/api/scenarios")).scenarios) {
            const d = await getJSON(`/api/scenarios/${name}`);
            const m = { base: { ...d.spec, name }, keep: true, name: `${name}-copy`, description: "a copy",
              closures: [], capacities: [], growth: { pct: 0, commodity: "" }, commodities: [] };
            const yaml = scenarioYaml(m);
            try {
              const v = await postJSON("/api/scenarios/validate", { yaml });
              out[name] = same(v, d.spec) ? (v.content_hash === d.spec.content_hash ? "same hash" : "same")
                : `differs: ${yaml}`;
            } catch (e) {
              out[name] = `${e.message}: ${yaml}`;
            }
          }
          return out;
        })().then(done, (e) => done(String(e)));""")
    assert isinstance(out, dict) and len(out) >= 10, out
    assert {k: v for k, v in out.items() if not v.startswith("same")} == {}
    assert out["baseline-2021"] == out["northern-route-closed"] == out["caspian-storm-season"] == "same hash"


@REAL_API
def test_sweep_shows_histograms_and_bottlenecks(dashboard: Any) -> None:
    from selenium.webdriver.support.ui import Select

    d = dashboard
    names = [o.get_attribute("value") for o in css(d, "#sweep-select option")]
    assert "northern-risk-premium" in names and "baseline-2021" not in names  # only those with uncertain parameters
    Select(d.find_element("id", "sweep-select")).select_by_value("northern-risk-premium")
    samples = d.find_element("id", "sweep-samples")
    # the API's message when it refuses (more samples than the server allows)
    d.execute_script("arguments[0].removeAttribute('max')", samples)
    samples.clear()
    samples.send_keys("100000")
    d.find_element("id", "sweep-submit").click()
    message = wait_for(lambda: d.find_element("id", "sweep-error").text, what="the API's error")
    assert "samples" in message and "at most" in message, message
    d.get_log("browser")  # the 422 is logged by Chromium: expected here
    samples.clear()
    samples.send_keys("8")
    d.find_element("id", "sweep-submit").click()
    wait_for(lambda: css(d, "#sweep-histograms svg") or d.find_element("id", "sweep-error").text, timeout=90,
             what="the sweep's histograms")
    assert not d.find_element("id", "sweep-error").text
    assert "8 samples" in d.find_element("id", "sweep-results").text
    keys = {s.get_attribute("data-key") for s in css(d, "#sweep-histograms svg.histogram")}
    assert {"unserved_t", "total_cost_usd", "titr_t", "param.ru_risk_premium_usd_per_t"} <= keys, keys
    for svg in css(d, "#sweep-histograms svg.histogram"):
        counts = [int(r.get_attribute("data-count")) for r in svg.find_elements("css selector", "rect.hist-bar")]
        assert sum(counts) == 8, (svg.get_attribute("data-key"), counts)
    cost = d.find_element("css selector", "#sweep-histograms svg[data-key='total_cost_usd']")
    filled = [r for r in cost.find_elements("css selector", "rect.hist-bar") if r.get_attribute("data-count") != "0"]
    assert len(filled) > 1
    assert cost.find_elements("css selector", "line.hist-marker")
    unserved = d.find_element("css selector", "#sweep-histograms svg[data-key='unserved_t']")
    assert "all 8 samples equal 0" in unserved.text
    assert len(css(d, "#sweep-quantiles tbody tr")) >= 5
    bars = css(d, "#bottleneck-chart rect.share-bar")
    shares = {b.get_attribute("data-label"): float(b.get_attribute("data-value")) for b in bars}
    assert shares.get("link:cpc-pipeline") == 1.0, shares
    assert all(0 < v <= 1 for v in shares.values()) and list(shares.values()) == sorted(shares.values(), reverse=True)
    assert len(set(shares.values())) > 1  # some capacities bind in some samples only
    widths = [float(b.get_attribute("width")) for b in bars]
    assert widths == sorted(widths, reverse=True) and widths[0] > widths[-1]
    assert d.execute_script("return document.getElementById('sweep-bar').value") == 1
    assert not errors(d)
    d.execute_script("document.getElementById('sweep').scrollIntoView()")
    screenshot(d, "sweep")
    d.execute_script("document.getElementById('bottleneck-chart').scrollIntoView({block: 'center'})")
    screenshot(d, "sweep-bottlenecks")


def test_simulate_the_hub(dashboard: Any) -> None:
    d = dashboard
    for field, value in (("hub-days", "30"), ("hub-reps", "2")):
        d.find_element("id", field).clear()
        d.find_element("id", field).send_keys(value)
    d.find_element("id", "hub-submit").click()
    wait_for(lambda: css(d, "#hub-results .kpi") or d.find_element("id", "hub-error").text, timeout=90,
             what="the hub's KPIs")
    assert not d.find_element("id", "hub-error").text
    kpis = {k.get_attribute("data-kpi") for k in css(d, "#hub-results .kpi")}
    assert {"throughput_teu", "vessel_wait_h", "yard_occupancy"} <= kpis
    assert len(css(d, "#hub-results svg.chart polyline.series-line")) == 4
    assert "30 days" in d.find_element("id", "hub-results").text
    assert not errors(d)
    d.execute_script("document.getElementById('hub').scrollIntoView()")
    screenshot(d, "hub")


def test_token_from_the_address(browser: Any, stub_server: str) -> None:
    """``/#token=…`` once: the calls carry ``Authorization: Bearer …`` and the token leaves the address bar.

    Against the stub, whose ``/api/test/authorization`` echoes the header the page sent.
    """
    d = browser
    d.get("about:blank")  # from "/" to "/#token=…" would only change the hash, not load the page
    d.get(stub_server + "/#token=s3cret")
    wait_for(lambda: d.execute_script("return document.body.dataset.ready"), what="the map to load")
    assert "s3cret" not in d.current_url
    sent = d.execute_async_script("""const done = arguments[arguments.length - 1];
        import("/web/api.js").then((m) => m.getJSON("/api/test/authorization")).then(done, (e) => done(String(e)));""")
    assert sent == {"authorization": "Bearer s3cret"}, sent
    d.execute_script("sessionStorage.clear()")

