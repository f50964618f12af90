"""The sample balance page (central team, managers, admins) and the audit export (admins)."""
from __future__ import annotations

from flask import Blueprint, render_template, request

from .. import db_session
from ..http.downloads import csv_response
from ..schemas.sampling import YearQuery
from ..services import sampling as svc
from ..workflows import lifecycle as lc
from ..working_days import london_today
from .auth import roles_required

bp = Blueprint("sampling", __name__, url_prefix="/sample")


def _year() -> tuple[int, dict]:
    args = {k: v for k, v in request.args.items() if v != ""}
    errors = YearQuery().validate(args)
    query = YearQuery().load({k: v for k, v in args.items() if k not in errors})
    session = db_session()
    return (query["year"] if query["year"] is not None else svc.current_year(session)), errors


@bp.get("/balance")
@roles_required(lc.CENTRAL_TEAM, lc.MANAGER, lc.ADMIN)
def balance():
    session = db_session()
    year, errors = _year()
    current = svc.current_year(session)
    return render_template("sampling/balance.html", b=svc.balance(session, year), years=svc.years(session),
                           year=year, is_current=year == current, today=london_today(), errors=errors)


@bp.get("/decisions.csv")
@roles_required(lc.ADMIN)
def decisions_csv():
    year, _errors = _year()
    return csv_response(svc.export_csv_rows(svc.export(db_session(), year)), svc.export_csv_name(year))
