from flask import Blueprint, Response, jsonify

from ..workflows import lifecycle as lc
from .auth import require
from .openapi import doc

bp = Blueprint("lifecycle", __name__)


@bp.get("/lifecycle")
@require()
@doc("The review lifecycle: states, actions, roles, required data", tags=["lifecycle"])
def lifecycle():
    return jsonify({**lc.as_dict(), "mermaid": lc.mermaid()})


@bp.get("/lifecycle.mmd")
@doc("The lifecycle as a Mermaid state diagram", tags=["lifecycle"])
def lifecycle_diagram():
    return Response(lc.mermaid(), mimetype="text/plain")
