"""deploy/Dockerfile: python:3.11-slim, the project's uv, the locked runtime dependencies, a
non-root user, and only files that exist and that .dockerignore lets through."""

import re
from fnmatch import fnmatch
from pathlib import PurePosixPath

from tests.unit.deploy.files import DOCKERFILE, REPO, services

SETUP = REPO / "deploy" / "setup.sh"
DOCKERIGNORE = REPO / ".dockerignore"


def instructions() -> list[tuple[str, str]]:
    text = DOCKERFILE.read_text(encoding="utf-8").replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines()]
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1])
        for line in lines
        if line and not line.startswith("#")
    ]


def ignored_patterns() -> list[str]:
    lines = DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def test_the_image_is_python_3_11_slim_with_the_uv_version_of_the_setup_script() -> None:
    (setup_version,) = re.findall(r'UV_VERSION="([^"]+)"', SETUP.read_text(encoding="utf-8"))
    runs = " ".join(argument for kind, argument in instructions() if kind == "RUN")

    assert [argument for kind, argument in instructions() if kind == "FROM"] == ["python:3.11-slim"]
    assert f'"uv=={setup_version}"' in runs
    assert re.search(r"uv sync --frozen --no-dev\b", runs)


def test_the_services_run_as_a_user_that_is_not_root() -> None:
    users = [argument for kind, argument in instructions() if kind == "USER"]

    assert users
    assert users[-1].split(":")[0] not in {"root", "0"}


def test_every_copied_file_exists_and_is_not_excluded_from_the_build_context() -> None:
    copied = [
        source
        for kind, argument in instructions()
        if kind == "COPY"
        for source in argument.split()[:-1]
        if not source.startswith("--")
    ]

    for source in copied:
        path = source.rstrip("/")
        assert (REPO / path).exists(), source
        assert not any(fnmatch(path, pattern) for pattern in ignored_patterns()), source
    assert {"shared/", "services/", "uv.lock", "pyproject.toml"} <= set(copied)


def test_the_virtualenv_and_the_git_history_stay_out_of_the_build_context() -> None:
    assert {".venv", ".git"} <= set(ignored_patterns())


def copied_into_the_image() -> set[str]:
    """Container paths of the files and folders the image copies."""
    workdir, paths = "/", set()
    for kind, argument in instructions():
        if kind == "WORKDIR":
            workdir = argument
        if kind == "COPY":
            *sources, destination = argument.split()
            for source in sources:
                target = destination if not destination.endswith("/") else destination + source
                paths.add(str(PurePosixPath(workdir, target)))
    return paths


def test_the_compose_healthchecks_run_the_script_the_image_holds() -> None:
    scripts = {
        word
        for service in services().values()
        if "build" in service and "healthcheck" in service
        for word in service["healthcheck"]["test"]
        if str(word).endswith(".py")
    }

    assert scripts == {"/app/deploy/healthcheck.py"}
    assert scripts <= copied_into_the_image()
