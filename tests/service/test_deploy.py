"""deploy/ cannot run here (no Docker, no Qdrant server): check what can be checked. The
Compose file parses, has the three-node Qdrant cluster, Ray head and workers and the API,
and every PRAXIS_* setting it sets is one the code reads, with a value the code accepts."""
from __future__ import annotations

from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml")

from praxis.index.vectors.factory import BACKENDS  # noqa: E402
from praxis.service.settings import Settings  # noqa: E402

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((DEPLOY / "docker-compose.yml").read_text(encoding="utf-8"))


def test_compose_has_a_three_node_qdrant_cluster_ray_and_the_api(compose: dict) -> None:
    services = compose["services"]
    qdrant = [name for name, s in services.items() if str(s.get("image", "")).startswith("qdrant/qdrant")]
    assert len(qdrant) == 3
    assert all(services[n]["environment"]["QDRANT__CLUSTER__ENABLED"] == "true" for n in qdrant)
    assert sum("--bootstrap" in services[n]["command"] for n in qdrant) == 2  # two join the first
    assert {services[n]["environment"]["QDRANT__STORAGE__COLLECTION__REPLICATION_FACTOR"] for n in qdrant} == {"2"}
    assert "--head" in services["ray-head"]["command"] and "ray-head:6379" in services["ray-worker"]["command"]
    assert services["api"]["command"].startswith("praxis serve")


def test_every_praxis_setting_in_compose_is_read_by_the_code(compose: dict) -> None:
    known = {f"PRAXIS_{name.upper()}" for name in Settings.model_fields}
    for name, service in compose["services"].items():
        env = service.get("environment") or {}
        for key, value in env.items():
            if key.startswith("PRAXIS_"):
                assert key in known, (name, key)
        if "PRAXIS_INDEX_BACKEND" in env:
            assert env["PRAXIS_INDEX_BACKEND"] in BACKENDS
            assert env["PRAXIS_QDRANT_URL"].startswith("http://qdrant-")


def test_the_image_installs_the_scale_extra() -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert "'.[scale]'" in dockerfile and "FROM python:3.11" in dockerfile
