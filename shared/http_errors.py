"""French answers to malformed HTTP requests (query and path parameters) of the read APIs.

FastAPI's default 422 lists pydantic's English messages and echoes the input; this one
names each parameter and says, in French, what was expected, without echoing anything.
The body keeps the read APIs' shape (`detail`, a string, as their own 404/422 answers),
plus `errors`, one item per parameter.
"""

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

_FRENCH: dict[str, str] = {
    "missing": "paramètre obligatoire manquant",
    "int_parsing": "nombre entier attendu (chiffres 0 à 9)",
    "int_parsing_size": "nombre entier attendu, de taille raisonnable",
    "int_type": "nombre entier attendu",
    "float_parsing": "nombre attendu",
    "bool_parsing": "booléen attendu (true ou false)",
    "greater_than": "doit être supérieur à {gt}",
    "greater_than_equal": "doit être supérieur ou égal à {ge}",
    "less_than": "doit être inférieur à {lt}",
    "less_than_equal": "doit être inférieur ou égal à {le}",
    "string_too_short": "au moins {min_length} caractère(s)",
    "string_too_long": "au plus {max_length} caractères",
    "string_pattern_mismatch": "format invalide (attendu : {pattern})",
    "enum": "valeur inconnue ; valeurs acceptées : {expected}",
    "literal_error": "valeur inconnue ; valeurs acceptées : {expected}",
}


def french_message(error: dict[str, Any]) -> str:
    """What was expected, in French, from one pydantic error (never its input)."""
    template = _FRENCH.get(str(error.get("type")), "valeur invalide")
    try:
        return template.format(**error.get("ctx", {}))
    except (KeyError, IndexError):
        return template.split(" ;")[0]


async def _invalid_request(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    items = []
    for found in error.errors():
        location = [str(part) for part in found.get("loc", ())]
        name = location[-1] if location else "requête"
        items.append(
            {
                "code": found.get("type"),
                "field": name,
                "location": ".".join(location),
                "message": french_message(found),
            }
        )
    detail = "Requête refusée : " + " ; ".join(f"{i['field']} : {i['message']}" for i in items)
    return JSONResponse({"detail": detail, "errors": items}, status_code=422)


def install_french_validation_errors(app: FastAPI) -> None:
    """Answer malformed requests with the French body above."""
    app.add_exception_handler(RequestValidationError, _invalid_request)
