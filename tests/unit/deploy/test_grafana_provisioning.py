"""Grafana's provisioning: the datasource is compose's Prometheus, the dashboards are the
files compose mounts."""

from urllib.parse import urlsplit

from tests.unit.deploy.files import (
    DASHBOARD_PROVIDERS,
    DASHBOARDS_DIR,
    DATASOURCES,
    bind_mounts,
    load_yaml,
    services,
)


def test_the_datasource_is_the_compose_prometheus_and_the_default_one() -> None:
    (source,) = load_yaml(DATASOURCES)["datasources"]
    published = services()["prometheus"]["ports"]

    url = urlsplit(source["url"])

    assert source["type"] == "prometheus"
    assert source["isDefault"] is True
    assert url.hostname == "prometheus"
    assert f"{url.port}:{url.port}" in published


def test_the_dashboard_provider_reads_the_folder_compose_mounts_from_the_repository() -> None:
    (provider,) = load_yaml(DASHBOARD_PROVIDERS)["providers"]
    mounts = {target: source for source, target in bind_mounts("grafana")}

    path = provider["options"]["path"]

    assert provider["type"] == "file"
    assert mounts[path] == DASHBOARDS_DIR
    assert sorted(DASHBOARDS_DIR.glob("*.json"))
