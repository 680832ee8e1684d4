"""python -m services.indicators [serve | rebuild [--out FILE] [--publish] | report ...].

report --year 2023 --out DIR writes DIR/bilan-2023-axe-social.md and .html.
"""

import sys

from services.indicators.bootstrap import read_settings, run_rebuild, run_report, serve
from services.indicators.entrypoints.cli import parser


def main(argv: list[str]) -> int:
    """Entry point."""
    arguments = parser().parse_args(argv)
    settings = read_settings()
    if arguments.command == "report":
        return run_report(settings, year=arguments.year, out=arguments.out)
    if arguments.command == "rebuild":
        return run_rebuild(settings, out=arguments.out, publish=arguments.publish)
    serve(settings)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
