"""The docs cannot drift from the code: what docs/architecture.md names exists, links resolve, settings are listed."""

from __future__ import annotations

import re
from pathlib import Path

from entrypoints.settings import SETTING_NAMES

REPO = Path(__file__).resolve().parents[2]
ARCHITECTURE = REPO / "docs" / "architecture.md"
CODE_ROOTS = ("domain", "application", "adapters", "entrypoints", "migrations", "tests", "bench", "docs")

_CODE_SPAN = re.compile(r"`([^`\n]+)`")
_NAMED_PATH = re.compile(rf"(?:{'|'.join(CODE_ROOTS)})/[\w./-]*")
_FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)


def named_paths(markdown: str) -> set[str]:
    """Every repository path in a code span that starts at one of CODE_ROOTS (`x.py::name` counts as `x.py`)."""
    found = set()
    for span in _CODE_SPAN.findall(markdown):
        candidate = span.strip().split("::")[0]
        if _NAMED_PATH.fullmatch(candidate):
            found.add(candidate)
    return found


def relative_links(markdown: str) -> list[str]:
    """The targets of the Markdown links and images outside code, but for web addresses."""
    prose = _CODE_SPAN.sub("", _FENCE.sub("", markdown))
    return [target for target in _LINK.findall(prose) if not re.match(r"[a-z][a-z0-9+.-]*:", target)]


def anchors(markdown: str) -> set[str]:
    """The anchors GitHub gives a document's headings: lower case, punctuation dropped, spaces as hyphens."""
    seen: dict[str, int] = {}
    found = set()
    for heading in _HEADING.findall(_FENCE.sub("", markdown)):
        slug = re.sub(r"[^\w\- ]", "", heading.replace("`", "").lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        found.add(slug if count == 0 else f"{slug}-{count}")
    return found


def docs_with_links() -> list[Path]:
    return [REPO / "README.md", *sorted((REPO / "docs").glob("*.md")), REPO / "bench" / "README.md"]


def test_every_path_the_architecture_names_exists() -> None:
    missing = sorted(p for p in named_paths(ARCHITECTURE.read_text()) if not (REPO / p).exists())
    assert not missing, (
        f"docs/architecture.md names {len(missing)} path(s) that do not exist in the repository; "
        "fix the page (or the code) so they match:\n" + "\n".join(f"  - {path}" for path in missing)
    )


def test_the_architecture_names_the_folders_of_every_layer() -> None:
    named = named_paths(ARCHITECTURE.read_text())
    for folder in ("domain/", "application/", "adapters/", "entrypoints/", "migrations/", "tests/"):
        assert folder in named, f"docs/architecture.md does not name `{folder}`"
    assert len(named) >= 30, f"only {len(named)} paths found in docs/architecture.md: is the pattern still right?"


def test_named_paths_are_found_in_code_spans_only() -> None:
    markdown = (
        "`domain/scheduling/` and `adapters/postgres/outbox/store.py::store_in_outbox`, not domain/x.py, `planner up`"
    )
    assert named_paths(markdown) == {"domain/scheduling/", "adapters/postgres/outbox/store.py"}


def test_every_relative_link_in_the_docs_points_to_an_existing_file() -> None:
    broken = []
    for document in docs_with_links():
        for target in relative_links(document.read_text()):
            path, _, anchor = target.partition("#")
            linked = (document.parent / path).resolve() if path else document
            where = f"{document.relative_to(REPO)}: ({target})"
            if not linked.exists():
                broken.append(f"{where}: no such file")
            elif anchor and linked.suffix == ".md" and anchor not in anchors(linked.read_text()):
                broken.append(f"{where}: no heading with the anchor #{anchor}")
    assert not broken, "broken links:\n" + "\n".join(f"  - {line}" for line in broken)


def test_links_are_read_as_github_reads_them() -> None:
    markdown = "[a](docs/api.md#errors) ![b](docs/week-view.png) [c](https://example.com) `[d](nowhere.md)`"
    assert relative_links(markdown) == ["docs/api.md#errors", "docs/week-view.png"]
    assert anchors("## The `planner` command\n## Errors\n## Errors") == {"the-planner-command", "errors", "errors-1"}


def test_the_configuration_page_lists_every_setting() -> None:
    page = (REPO / "docs" / "configuration.md").read_text()
    missing = [name for name in SETTING_NAMES if f"`{name}`" not in page]
    assert not missing, f"docs/configuration.md does not describe: {', '.join(missing)}"
