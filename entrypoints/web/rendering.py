"""Pages: the Jinja environment, who is looking (for the bell and their time zone), and rendering a template."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape
from litestar.di import NamedDependency
from litestar.params import SkipValidation
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.template import TemplateConfig
from markupsafe import Markup

from application.accounts.get_user import get_user
from application.notifications.queries import count_unread
from domain.accounts.user import User
from entrypoints.http.dependencies import Actor, UoW
from entrypoints.http.etags import etag, occurrence_etag
from entrypoints.web.assets import HTMX_SCRIPT, SSE_SCRIPT

TEMPLATES = Path(__file__).resolve().parent / "templates"


@dataclass(frozen=True)
class Viewer:
    """The signed-in person a page is rendered for."""

    user: User
    unread: int

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.user.timezone)


# Handler parameter type, like the API's named dependencies.
ViewerDep = NamedDependency[SkipValidation[Viewer]]


async def provide_viewer(actor: Actor, uow: UoW) -> Viewer:
    return Viewer(user=await get_user(actor.id, uow=uow), unread=await count_unread(actor_id=actor.id, uow=uow))


def _local(value: datetime, zone: ZoneInfo | str, fmt: str = "%H:%M") -> str:
    """The time in `zone`; a time of the hour that comes twice when clocks go back carries the zone's abbreviation."""
    tz = ZoneInfo(zone) if isinstance(zone, str) else zone
    local = value.astimezone(tz)
    if "%H" in fmt and local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset():
        return f"{local.strftime(fmt)} {local.tzname()}"
    return local.strftime(fmt)


def event_href(item: object) -> str:
    """The page of an event, or of one occurrence of a series (named by its recurrence id, in UTC)."""
    event_id = getattr(item, "id", "")
    recurrence_id = getattr(item, "recurrence_id", None)
    if not isinstance(recurrence_id, datetime):
        return f"/events/{event_id}"
    return f"/events/{event_id}/occurrences/{recurrence_text(recurrence_id)}"


def recurrence_text(recurrence_id: datetime) -> str:
    """A recurrence id as the occurrence routes take it: `2027-03-17T09:00:00Z`."""
    return instant_text(recurrence_id)


def instant_text(moment: datetime) -> str:
    """An instant in UTC, ISO 8601 with a Z: what the pages' scripts read and the API takes."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def api_href(item: object) -> str:
    """Where the API changes an event, or just this one occurrence of a series (scope=this)."""
    page_href = event_href(item)
    return f"/api{page_href}?scope=this" if "/occurrences/" in page_href else f"/api{page_href}"


def api_etag(item: object) -> Markup:
    """The ETag the API holds `item` at: one occurrence's own (`"o-..."`) where `api_href` names an occurrence.

    Markup: a version number or a hex revision in quotes, nothing to escape, written as the API sends it.
    """
    if "/occurrences/" in event_href(item):
        return Markup(occurrence_etag(str(getattr(item, "revision", ""))))  # noqa: S704
    return Markup(etag(int(getattr(item, "version", 0))))  # noqa: S704


def environment() -> Environment:
    # Autoescaping is what turns a `<script>` title into text; it must stay on for every template.
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["local"] = _local
    env.filters["href"] = event_href
    env.filters["api_etag"] = api_etag
    env.filters["api_href"] = api_href
    env.filters["instant"] = instant_text
    env.globals["htmx_script"] = HTMX_SCRIPT
    env.globals["sse_script"] = SSE_SCRIPT
    return env


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    return TemplateConfig(instance=JinjaTemplateEngine.from_environment(environment()))


def page(name: str, *, viewer: Viewer | None = None, status_code: int = 200, **context: Any) -> Template:
    """Render a page template; `viewer` fills the header (name, bell) on signed-in pages."""
    return Template(
        template_name=name,
        context={"viewer": viewer, **context},
        status_code=status_code,
        headers={"Cache-Control": "no-store"},
    )
