"""Matching a column against many values with one array parameter."""

from collections.abc import Collection
from typing import Any, cast
from uuid import UUID

from sqlalchemy import BindParameter, ColumnElement, String, Uuid, any_, bindparam, literal
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import InstrumentedAttribute


def is_any_id(column: InstrumentedAttribute[UUID], ids: Collection[UUID]) -> ColumnElement[bool]:
    """`column = ANY($1)`: one statement text for any number of ids (IN (...) would prepare one per count)."""
    return column == any_(literal(list(ids), ARRAY(Uuid())))


def is_any_text(column: InstrumentedAttribute[str], values: Collection[str]) -> ColumnElement[bool]:
    """`column = ANY($1)` for text values."""
    return column == any_(literal(list(values), ARRAY(String())))


def ids_parameter(name: str) -> BindParameter[Any]:
    """A named array-of-ids parameter, for statements built once and executed with their values."""
    return bindparam(name, type_=cast(Any, ARRAY(Uuid())))


def texts_parameter(name: str) -> BindParameter[Any]:
    """A named array-of-text parameter, for statements built once and executed with their values."""
    return bindparam(name, type_=cast(Any, ARRAY(String())))
