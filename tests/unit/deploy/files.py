"""The deployment files as data: compose (with its variables resolved), Prometheus, Grafana."""

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[3]
COMPOSE_FILE = REPO / "docker-compose.yml"
DOCKERFILE = REPO / "deploy" / "Dockerfile"
PROMETHEUS_DIR = REPO / "deploy" / "prometheus"
PROMETHEUS_CONFIG = PROMETHEUS_DIR / "prometheus.yml"
ALERT_RULES = PROMETHEUS_DIR / "alerts.yml"
ALERT_TESTS = PROMETHEUS_DIR / "alerts_test.yml"
GRAFANA_DIR = REPO / "deploy" / "grafana"
DATASOURCES = GRAFANA_DIR / "provisioning" / "datasources" / "prometheus.yaml"
DASHBOARD_PROVIDERS = GRAFANA_DIR / "provisioning" / "dashboards" / "dashboards.yaml"
DASHBOARDS_DIR = GRAFANA_DIR / "dashboards"

# ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?error}, $NAME; $$ is a literal dollar.
_VARIABLE = re.compile(
    r"\$\$|\$\{(?P<braced>[A-Za-z_]\w*)(?:(?P<op>:?[-?+])(?P<arg>[^}]*))?\}|\$(?P<bare>[A-Za-z_]\w*)"
)


def load_yaml(path: Path) -> Any:
    """A YAML document (merge keys `<<` resolved)."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def variables_without_default(text: str) -> list[str]:
    """Compose variables that have no default, so `docker compose up` needs them set."""
    missing = []
    for match in _VARIABLE.finditer(text):
        name = match["braced"] or match["bare"]
        if name and match["op"] not in (":-", "-"):
            missing.append(name)
    return missing


def interpolate(text: str) -> str:
    """Compose's variable substitution with an empty environment: every default applies."""

    def substitute(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        if match["op"] in (":-", "-"):
            return match["arg"] or ""
        return ""

    return _VARIABLE.sub(substitute, text)


@cache
def compose() -> dict[str, Any]:
    """docker-compose.yml as compose sees it with no variable set."""
    document: dict[str, Any] = yaml.safe_load(interpolate(COMPOSE_FILE.read_text("utf-8")))
    return document


def services() -> dict[str, dict[str, Any]]:
    """The compose services by name."""
    found: dict[str, dict[str, Any]] = compose()["services"]
    return found


def environment(service: str) -> dict[str, str]:
    """A compose service's environment, values as strings (compose passes strings)."""
    raw = services()[service].get("environment", {})
    if isinstance(raw, list):
        raw = dict(item.split("=", 1) for item in raw)
    return {key: str(value) for key, value in raw.items()}


def bind_mounts(service: str) -> list[tuple[Path, str]]:
    """(host path, container path) of each bind mount of a service (named volumes left out)."""
    mounts = []
    for volume in services()[service].get("volumes", []):
        if isinstance(volume, dict):
            source, target = volume["source"], volume["target"]
        else:
            source, target = volume.split(":")[:2]
        if source.startswith((".", "/")):
            mounts.append((REPO / source, target))
    return mounts


def dashboards() -> dict[str, dict[str, Any]]:
    """Every dashboard JSON of deploy/grafana/dashboards, by file name."""
    return {
        path.name: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(DASHBOARDS_DIR.glob("*.json"))
    }


def panels(container: dict[str, Any]) -> list[dict[str, Any]]:
    """Every panel of a dashboard, those inside (collapsed) rows included."""
    found = []
    for panel in container.get("panels", []):
        found.append(panel)
        found.extend(panels(panel))
    return found
