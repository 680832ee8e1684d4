"""prometheus.yml scrapes each service where compose runs it; the rule files exist."""

from urllib.parse import urlsplit

from tests.unit.deploy.exported import SERVICES
from tests.unit.deploy.files import PROMETHEUS_CONFIG, PROMETHEUS_DIR, load_yaml, services


def scrape_targets() -> dict[str, list[str]]:
    return {
        job["job_name"]: [
            target for static in job["static_configs"] for target in static["targets"]
        ]
        for job in load_yaml(PROMETHEUS_CONFIG)["scrape_configs"]
    }


def test_each_service_is_one_job_scraping_its_compose_service_on_its_http_port() -> None:
    targets = scrape_targets()

    for service in SERVICES:
        test = services()[service.job]["healthcheck"]["test"]
        port = next(urlsplit(word).port for word in test if word.startswith("http://"))

        assert targets[service.job] == [f"{service.job}:{port}"]


def test_the_scrape_jobs_are_the_services_and_prometheus_itself() -> None:
    assert set(scrape_targets()) == {service.job for service in SERVICES} | {"prometheus"}


def test_the_rule_files_exist_beside_the_config() -> None:
    rule_files = load_yaml(PROMETHEUS_CONFIG)["rule_files"]

    assert rule_files
    assert all((PROMETHEUS_DIR / name).is_file() for name in rule_files)
