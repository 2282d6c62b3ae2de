"""The front-end libraries (htmx and its SSE extension) come from npm: installed on demand, served from node_modules."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import structlog
from litestar import Router
from litestar.datastructures import CacheControlHeader
from litestar.static_files import create_static_files_router

log = structlog.get_logger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parents[2]
OWN_STATIC = Path(__file__).resolve().parent / "static"

# URL directory -> directory inside node_modules; only these are served, not node_modules as a whole.
VENDOR_DIRECTORIES = {
    "/static/vendor/htmx": Path("htmx.org") / "dist",
    "/static/vendor/htmx-ext-sse": Path("htmx-ext-sse") / "dist",
}
HTMX_SCRIPT = "/static/vendor/htmx/htmx.min.js"
SSE_SCRIPT = "/static/vendor/htmx-ext-sse/sse.min.js"


class AssetsMissing(Exception):
    """The npm packages are not installed and cannot be installed here."""


def assets_root() -> Path:
    """Where package.json and node_modules are: the checkout, or (installed as a package) the working directory."""
    return PROJECT_ROOT if (PROJECT_ROOT / "package.json").is_file() else Path.cwd()


def node_modules(root: Path) -> Path:
    return root / "node_modules"


def assets_installed(root: Path) -> bool:
    return all((node_modules(root) / directory).is_dir() for directory in VENDOR_DIRECTORIES.values())


def ensure_assets(root: Path | None = None) -> None:
    """Run `npm ci` when the packages the pages load are missing; AssetsMissing says why it cannot."""
    root = root or assets_root()
    if assets_installed(root):
        return
    npm = shutil.which("npm")
    if npm is None:
        raise AssetsMissing(
            "the web client's scripts (htmx) come from npm, and npm is not installed: "
            "install Node.js with npm (e.g. `apt-get install -y npm`), then run `npm ci` in "
            f"{root}"
        )
    log.info("assets.installing", command="npm ci", cwd=str(root))
    done = subprocess.run(  # noqa: S603 - npm found on PATH, fixed arguments
        [npm, "ci", "--no-audit", "--no-fund"], cwd=root, capture_output=True, text=True, check=False
    )
    if done.returncode != 0 or not assets_installed(root):
        raise AssetsMissing(f"`npm ci` in {root} failed: {(done.stderr or done.stdout).strip()[-500:]}")


def static_routers(root: Path | None = None) -> list[Router]:
    """Our own stylesheet and script, and the npm packages' dist files; open to anyone, cached a while."""
    root = root or assets_root()
    cache = CacheControlHeader(max_age=3600, public=True)
    opt = {"exclude_from_auth": True}
    routers = [
        create_static_files_router(
            path="/static/app", directories=[OWN_STATIC], name="static_app", cache_control=cache, opt=opt
        )
    ]
    for url, directory in VENDOR_DIRECTORIES.items():
        routers.append(
            create_static_files_router(
                path=url,
                directories=[node_modules(root) / directory],
                name=f"static_{directory.parts[0].replace('.', '_').replace('-', '_')}",
                cache_control=cache,
                opt=opt,
            )
        )
    return routers
