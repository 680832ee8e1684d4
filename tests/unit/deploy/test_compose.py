"""docker-compose.yml is coherent: healthchecks, start order, files, pinned images, and the
services' own settings accept the environment compose gives them."""

import os
import re
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.servers import KAFKA_IMAGE
from tests.unit.deploy.exported import SERVICE_BY_JOB, SERVICES
from tests.unit.deploy.files import (
    COMPOSE_FILE,
    REPO,
    bind_mounts,
    compose,
    environment,
    services,
    variables_without_default,
)

APPS = [service.job for service in SERVICES]
ALL_INTERFACES = "0.0.0.0"  # noqa: S104 (in a container, the published port must reach it)
INIT_SQL = REPO / "deploy" / "postgres" / "init-databases.sql"


def one_shot(name: str) -> bool:
    """A job that runs to completion (restart "no"), like the topic creation."""
    return str(services()[name].get("restart", "")) == "no"


def healthcheck_url(name: str) -> str:
    test = services()[name]["healthcheck"]["test"]
    (url,) = [word for word in test if str(word).startswith("http://")]
    return str(url)


def test_every_long_running_service_has_a_healthcheck() -> None:
    missing = [
        name
        for name, service in services().items()
        if not one_shot(name) and not service.get("healthcheck", {}).get("test")
    ]

    assert missing == []


def test_every_dependency_waits_for_health_or_for_a_one_shot_job_to_complete() -> None:
    for name, service in services().items():
        depends_on = service.get("depends_on", {})
        assert isinstance(depends_on, dict), f"{name}: depends_on needs the long form"
        for dependency, condition in depends_on.items():
            expected = (
                "service_completed_successfully" if one_shot(dependency) else "service_healthy"
            )

            assert dependency in services(), f"{name} depends on unknown {dependency}"
            assert condition == {"condition": expected}, f"{name} -> {dependency}"


def test_the_services_start_after_kafka_and_the_topics_and_the_stateful_ones_after_postgres() -> (
    None
):
    for job in APPS:
        depends_on = services()[job]["depends_on"]

        assert {"kafka", "topics"} <= set(depends_on), job
        if "DATABASE_URL" in environment(job):
            assert "postgres" in depends_on, job


def test_every_variable_has_a_default_so_the_stack_starts_with_no_environment() -> None:
    assert variables_without_default(COMPOSE_FILE.read_text(encoding="utf-8")) == []


def test_every_file_compose_refers_to_exists() -> None:
    referenced = [source for name in services() for source, _ in bind_mounts(name)]
    referenced += [REPO / secret["file"] for secret in compose().get("secrets", {}).values()]
    for service in services().values():
        if "build" in service:
            context = REPO / service["build"]["context"]
            referenced += [context, context / service["build"]["dockerfile"]]

    missing = [str(path.relative_to(REPO)) for path in referenced if not path.exists()]

    assert referenced
    assert missing == []


def test_every_image_is_pinned_to_a_version_and_kafka_is_the_tests_broker() -> None:
    for name, service in services().items():
        image = service["image"]
        _, _, tag = image.rpartition(":")

        if "build" in service:
            assert image == "insertion-hours:dev", name
            continue
        assert re.fullmatch(r"v?\d+\.\d+(\.\d+)?", tag), f"{name}: {image} is not pinned"
    assert services()["kafka"]["image"] == KAFKA_IMAGE


def test_the_three_services_and_the_topics_job_run_the_one_image_with_their_own_command() -> None:
    built = {name: service for name, service in services().items() if "build" in service}

    assert set(built) == {*APPS, "topics"}
    assert len({repr(service["build"]) for service in built.values()}) == 1
    for job in APPS:
        assert built[job]["command"] == ["python", "-m", f"services.{job}"]
    assert built["topics"]["command"] == ["python", "-m", "shared.topics_setup"]


@pytest.mark.parametrize("job", APPS)
def test_a_service_listens_where_its_healthcheck_and_its_published_port_point(job: str) -> None:
    service = SERVICE_BY_JOB[job]
    env = environment(job)
    prefix = job.upper() + "_"
    port = env[prefix + service.port_field.upper()]

    url = urlsplit(healthcheck_url(job))

    assert env[prefix + service.host_field.upper()] == ALL_INTERFACES
    assert (url.hostname, str(url.port), url.path) == ("127.0.0.1", port, "/health")
    assert services()[job]["ports"] == [f"{port}:{port}"]


@pytest.mark.parametrize("job", APPS)
def test_a_services_settings_accept_the_compose_environment(
    job: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = SERVICE_BY_JOB[job]
    for name in [name for name in os.environ if name.startswith(job.upper() + "_")]:
        monkeypatch.delenv(name)
    for name, value in environment(job).items():
        monkeypatch.setenv(name, value)

    settings = service.settings_class()()

    assert getattr(settings, service.host_field) == ALL_INTERFACES
    assert str(getattr(settings, service.port_field)) == str(urlsplit(healthcheck_url(job)).port)
    assert settings.kafka_bootstrap_servers == "kafka:9092"


def test_the_services_reach_kafka_on_its_advertised_internal_listener() -> None:
    advertised = environment("kafka")["KAFKA_ADVERTISED_LISTENERS"]

    internal = dict(item.split("://") for item in advertised.split(","))["PLAINTEXT"]

    for name in [*APPS, "topics"]:
        assert environment(name)["KAFKA_BOOTSTRAP_SERVERS"] == internal, name
    assert environment("kafka")["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"


def test_each_database_a_service_uses_is_created_by_the_postgres_init_script() -> None:
    created = set(re.findall(r"CREATE DATABASE (\w+)", INIT_SQL.read_text(encoding="utf-8")))
    mounted = {target for _, target in bind_mounts("postgres")}
    urls = {job: environment(job).get("DATABASE_URL") for job in APPS}

    databases = {job: urlsplit(url).path.lstrip("/") for job, url in urls.items() if url}

    assert "/docker-entrypoint-initdb.d/10-databases.sql" in mounted
    assert set(databases) == {"ingest", "clauses"}
    assert set(databases.values()) <= created
    assert len(set(databases.values())) == len(databases), "one database per service"
    for job, url in urls.items():
        if url:
            assert urlsplit(url).hostname == "postgres", job


def test_prometheus_reads_its_folder_and_grafana_its_provisioning_and_dashboards() -> None:
    prometheus: dict[str, Any] = services()["prometheus"]
    grafana_mounts = {target: source for source, target in bind_mounts("grafana")}
    prometheus_mounts = {target: source for source, target in bind_mounts("prometheus")}

    config = next(arg for arg in prometheus["command"] if arg.startswith("--config.file="))

    config_path = PurePosixPath(config.split("=", 1)[1])
    assert prometheus_mounts[str(config_path.parent)] == REPO / "deploy" / "prometheus"
    assert grafana_mounts["/etc/grafana/provisioning"] == REPO / "deploy/grafana/provisioning"
    home = PurePosixPath(environment("grafana")["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"])
    assert (grafana_mounts[str(home.parent)] / home.name).is_file()
