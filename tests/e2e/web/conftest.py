import pytest

from tests.support.assets import installed_assets


@pytest.fixture(scope="session", autouse=True)
def _assets() -> None:
    installed_assets()
