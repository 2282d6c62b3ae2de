"""The benchmark's webhook receiver: a bare ASGI app under uvicorn, answering 200 to every POST.

Run as its own process (`python -m bench.webhook_receiver PORT`), so that receiving never competes
with the benchmark for one interpreter; `GET /count` answers how many POSTs came.
"""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import uvicorn

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]

_received = 0


async def app(
    scope: Scope, receive: Callable[[], Awaitable[Message]], send: Callable[[Message], Awaitable[None]]
) -> None:
    global _received  # noqa: PLW0603 - one counter in one single-purpose process
    if scope["type"] != "http":
        return
    more = True
    while more:
        more = (await receive()).get("more_body", False)
    if scope["method"] == "POST":
        _received += 1
        body = b"ok"
    else:
        body = str(_received).encode()
    await send(
        {"type": "http.response.start", "status": 200, "headers": [(b"content-length", str(len(body)).encode())]}
    )
    await send({"type": "http.response.body", "body": body})


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", access_log=False, backlog=2048)
