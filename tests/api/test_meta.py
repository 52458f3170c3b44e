"""Health, version, the offline docs, the root and unknown paths."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.api.helpers import assert_error

import corridor


def test_health(client: TestClient) -> None:
    assert client.get("/api/health").json() == {"status": "ok"}


def test_version(client: TestClient) -> None:
    d = client.get("/api/version").json()
    assert d["version"] == corridor.__version__
    assert d["name"] == "corridor"


def test_docs_offline(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert "/static/swagger-ui/swagger-ui-bundle.js" in page.text
    assert "cdn" not in page.text.lower()
    assert "http://" not in page.text and "https://" not in page.text
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
        r = client.get(f"/static/swagger-ui/{asset}")
        assert r.status_code == 200
        assert len(r.content) > 10_000
    assert client.get("/redoc").status_code == 404


def test_openapi_has_schemas_and_errors(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert len(spec["paths"]) >= 8
    assert "ErrorModel" in spec["components"]["schemas"]
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            assert "500" in op["responses"], f"{method} {path}"
            assert op["responses"]["500"]["content"]["application/json"]["schema"]["$ref"].endswith("ErrorModel")
            if method == "post":
                assert "requestBody" in op, f"{method} {path}"
                assert "413" in op["responses"] and "415" in op["responses"], f"{method} {path}"


def test_root_points_at_docs(client: TestClient) -> None:
    import importlib.util

    r = client.get("/")
    if importlib.util.find_spec("corridor.web") is not None:  # the dashboard's own tests cover "/"
        assert r.status_code < 500 or r.status_code == 503
        return
    assert r.status_code == 200
    assert r.json()["docs"] == "/docs"


def test_unknown_path_is_json_404(client: TestClient) -> None:
    assert_error(client.get("/api/nothing-here"), 404)


def test_wrong_method_is_json_405(client: TestClient) -> None:
    assert_error(client.put("/api/health"), 405)


def test_last_resort_handler_answers_json_500(store) -> None:
    from corridor.api import create_app

    app = create_app(store=store)

    @app.get("/api/boom")
    def boom() -> None:
        raise RuntimeError("deliberate")

    r = TestClient(app, raise_server_exceptions=False).get("/api/boom")
    err = assert_error(r, 500)
    assert "bug" in err["message"]
