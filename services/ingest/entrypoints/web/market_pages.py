"""The markets one may see, and a market's page: its clause, month by month, its people.

The figures come from the clauses service (ingest holds none); who may see a market comes
from ingest's own markets read model: a contractor sees only the markets it holds.
"""

from decimal import Decimal

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.ingest.application.ports import ClausesUnavailableError, Overview
from services.ingest.domain.access import Principal, Role
from services.ingest.entrypoints.web.chart import monthly_chart
from services.ingest.entrypoints.web.deps import WebDeps, to_sign_in, visitor

LIST_SIZE = 200
NOT_YOURS = (
    "Ce marché n'est pas l'un des vôtres : un titulaire ne voit que les marchés dont il est "
    "titulaire, un facilitateur ceux des acheteurs qu'il accompagne. Si c'est une erreur, "
    "contactez le facilitateur de la clause."
)
UNKNOWN = (
    "Ce marché n'a jamais été notifié (ou sa notification n'est pas encore arrivée) : "
    "vérifiez son identifiant."
)
CLAUSES_DOWN = (
    "Le suivi des clauses ne répond pas pour le moment : les chiffres de ce marché ne "
    "peuvent pas être affichés. Réessayez dans quelques instants."
)


def may_see(
    principal: Principal,
    market_id: str,
    holders: dict[str, frozenset[str]],
    buyer_of: dict[str, str] | None = None,
) -> bool:
    """A facilitator sees the markets of the buyers it serves (every market when its token
    lists none), a contractor those it holds."""
    if principal.role is Role.FACILITATOR:
        buyer = (buyer_of or {}).get(market_id)
        return principal.buyers is None or buyer is None or buyer in principal.buyers
    return principal.siret in holders.get(market_id, frozenset())


def progress(overview: Overview) -> int | None:
    """Hours realised as a percentage of hours owed to date (None when nothing is owed)."""
    clause = overview.clause
    if clause is None or clause.hours_owed <= 0:
        return None
    return int(clause.hours_realised * 100 / clause.hours_owed)


def market_router(deps: WebDeps) -> APIRouter:
    router = APIRouter()

    @router.get("/ui/marches", include_in_schema=False)
    async def markets(request: Request, q: str = "") -> Response:
        who = await visitor(deps, request)
        if who is None:
            return to_sign_in(request)
        holders, buyer_of = dict(deps.api.markets.holders), dict(deps.api.markets.buyers)
        visible = sorted(m for m in holders if may_see(who.principal, m, holders, buyer_of))
        wanted = q.strip()
        if wanted:
            visible = [m for m in visible if wanted.casefold() in m.casefold()]
        context = who.context(
            markets=visible[:LIST_SIZE], more=max(0, len(visible) - LIST_SIZE), q=wanted
        )
        return deps.render.page(request, "marches.html", context)

    @router.get("/ui/marches/{market_id}", include_in_schema=False)
    async def market(request: Request, market_id: str) -> Response:
        who = await visitor(deps, request)
        if who is None:
            return to_sign_in(request)
        holders, buyer_of = dict(deps.api.markets.holders), dict(deps.api.markets.buyers)
        if not may_see(who.principal, market_id, holders, buyer_of):
            return deps.render.error(request, 403, "Accès refusé", NOT_YOURS, who.context())
        if market_id not in holders:
            return deps.render.error(request, 404, "Marché inconnu", UNKNOWN, who.context())
        try:
            overview = await deps.clauses.overview(market_id)
        except ClausesUnavailableError:
            return deps.render.error(
                request, 503, "Suivi indisponible", CLAUSES_DOWN, who.context()
            )
        context = who.context(market_id=market_id, overview=overview)
        if overview is not None:
            months = [(m.period, m.insertion_hours) for m in overview.months]
            context.update(
                chart=monthly_chart(months),
                progress=progress(overview),
                total_hours=sum((m.insertion_hours for m in overview.months), Decimal(0)),
            )
        return deps.render.page(request, "marche.html", context)

    return router
