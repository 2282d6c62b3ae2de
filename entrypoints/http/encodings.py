"""Answers kept gzip-compressed: sent as they are to clients that accept gzip, decompressed for the others.

A large answer that is cached (the week view: a few hundred occurrences, about 250 KiB of JSON) is
compressed once, when it is computed, and the compressed bytes are what the cache holds. Browsers,
httpx and requests all send `Accept-Encoding: gzip`, so most answers leave as they were stored: a
tenth of the bytes through Redis, the web process and the socket, and no work per request. A client
that refuses gzip gets the JSON decompressed (about a millisecond for 250 KiB).

Both representations answer `Vary: Accept-Encoding`. They carry no ETag: an ETag would have to differ
between the two (RFC 9110 8.8.3), and the window query has none.
"""

from __future__ import annotations

import gzip
import zlib

from litestar import MediaType, Response

GZIP_LEVEL = 6
"""zlib's default: about 10x smaller for the week view's JSON, a few ms once per computed answer."""
_GZIP_WINDOW = 16 + zlib.MAX_WBITS
"""zlib's wbits for a gzip header and trailer."""


def gzipped(body: bytes) -> bytes:
    """`body` compressed for the cache, the same bytes for the same body (no timestamp in the header)."""
    return gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether an Accept-Encoding header lets the answer be gzip (RFC 9110 12.5.3: q=0 refuses, `*` stands for any)."""
    if not accept_encoding:
        return False
    named: float | None = None
    anything: float | None = None
    for item in accept_encoding.split(","):
        coding, _, parameters = item.partition(";")
        coding = coding.strip().lower()
        weight = _weight(parameters)
        if coding in {"gzip", "x-gzip"}:
            named = weight if named is None else max(named, weight)
        elif coding == "*":
            anything = weight
    if named is not None:
        return named > 0
    return anything is not None and anything > 0


def _weight(parameters: str) -> float:
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "q":
            try:
                return float(value.strip())
            except ValueError:
                return 0.0
    return 1.0


def json_from_gzipped(stored: bytes, accept_encoding: str | None) -> Response[bytes]:
    """A JSON answer from its gzipped bytes: as they are for a client that accepts gzip, decompressed otherwise."""
    if accepts_gzip(accept_encoding):
        return Response(
            stored,
            media_type=MediaType.JSON,
            headers={"Content-Encoding": "gzip", "Vary": "Accept-Encoding"},
        )
    return Response(
        zlib.decompress(stored, _GZIP_WINDOW), media_type=MediaType.JSON, headers={"Vary": "Accept-Encoding"}
    )
