"""A Matomo Reporting API for the demo and the tests: ``/matomo/index.php?module=API&…``.

Answers ``Referrers.getCampaigns`` and ``Referrers.getSocials`` for ``period=day`` over a
``date=YYYY-MM-DD,YYYY-MM-DD`` range as Matomo does (a JSON object keyed by day, each a list
of rows with ``label``, ``nb_visits``, ``nb_actions``; days without visits: ``[]``), and
refuses a wrong ``token_auth`` (POST body or query) with Matomo's error object. What it
reports is set in ``server.settings["matomo"]``: ``token``, ``site`` and per method a
``{"YYYY-MM-DD": [rows]}`` map. Reference: https://developer.matomo.org/api-reference/reporting-api
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from carecast.sandbox.routing import Request, Response, Router

router = Router()
METHODS = {"Referrers.getCampaigns": "campaigns", "Referrers.getSocials": "socials"}


def _error(message: str, status: int = 200) -> Response:
    return Response(status, {"result": "error", "message": message})


@router.route("GET", "/matomo/index.php")
@router.route("POST", "/matomo/index.php")
def reporting_api(req: Request) -> Response:
    config: dict[str, Any] = req.server.settings.get("matomo") or {}
    token = str(req.param("token_auth") or "")
    if not config or token != config.get("token"):
        # What Matomo 4/5 answers for an unknown or missing token_auth.
        return _error(
            "Unable to authenticate with the provided token. It is either invalid or expired.", 401
        )
    if str(req.param("module") or "") != "API" or str(req.param("method")) not in METHODS:
        return _error(f"The method '{req.param('method')}' does not exist or is not available.")
    if str(req.param("idSite")) != str(config.get("site", 1)):
        return _error(
            f"An unexpected website was found in the request: website id was set to '{req.param('idSite')}' ."
        )
    if str(req.param("period")) != "day":
        return _error("This sandbox answers period=day only.")
    try:
        first, last = (dt.date.fromisoformat(d) for d in str(req.param("date")).split(","))
    except ValueError:
        return _error(
            f"Date format must be: YYYY-MM-DD, or 'today' or 'yesterday' or any keyword supported by the strtotime function (see http://php.net/strtotime for more information): {req.param('date')}"
        )
    reported = config.get(METHODS[str(req.param("method"))], {})
    days = {}
    day = first
    while day <= last:
        days[day.isoformat()] = reported.get(day.isoformat(), [])
        day += dt.timedelta(days=1)
    return Response(200, days)
