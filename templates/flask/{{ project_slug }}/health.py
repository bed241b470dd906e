"""Liveness and readiness probes."""

from flask import Response, jsonify
from marshmallow import fields, validate
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from .extensions import Blueprint, db
from .schemas import BaseSchema

blp = Blueprint("health", __name__, description="Liveness and readiness probes")


class HealthSchema(BaseSchema):
    status = fields.String(required=True, validate=validate.OneOf(["ok", "unavailable"]))


# The schema documents the answers; returning a Response skips dumping through it, which
# probes called every few seconds have no use for.
@blp.route("/health")
@blp.doc(operationId="health")
@blp.response(200, HealthSchema)
def health() -> Response:
    """Liveness: the process is up"""
    return jsonify(status="ok")


@blp.route("/ready")
@blp.doc(operationId="ready")
@blp.response(200, HealthSchema)
@blp.alt_response(503, schema=HealthSchema, description="The database does not answer")
def ready() -> tuple[Response, int]:
    """Readiness: the database answers"""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="unavailable"), 503
    return jsonify(status="ok"), 200
