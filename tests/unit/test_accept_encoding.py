"""Which Accept-Encoding headers let an answer leave gzip-compressed (RFC 9110 12.5.3)."""

from __future__ import annotations

import gzip

import pytest

from entrypoints.http.encodings import accepts_gzip, gzipped


@pytest.mark.parametrize(
    "header",
    ["gzip", "gzip, deflate, br, zstd", "br;q=1.0, gzip;q=0.8, *;q=0.1", "GZIP", "x-gzip", "*", "deflate, *;q=0.5"],
)
def test_clients_that_accept_gzip_get_it(header: str) -> None:
    assert accepts_gzip(header)


@pytest.mark.parametrize(
    "header",
    [None, "", "identity", "br, deflate", "gzip;q=0", "gzip; q=0.0, br", "*;q=0", "gzip;q=0, *", "gzip;q=nonsense"],
)
def test_clients_that_do_not_accept_gzip_get_plain_json(header: str | None) -> None:
    assert not accepts_gzip(header)


def test_the_same_answer_compresses_to_the_same_bytes() -> None:
    body = b'{"items":[' + b'{"title":"Stand-up"},' * 500 + b"{}]}"
    assert gzipped(body) == gzipped(body)
    assert gzip.decompress(gzipped(body)) == body
