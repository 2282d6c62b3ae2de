"""ORM models (advanced-alchemy); mapped to and from domain entities by the repositories."""

from __future__ import annotations

from advanced_alchemy.base import orm_registry

metadata = orm_registry.metadata
