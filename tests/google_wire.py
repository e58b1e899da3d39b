"""Google's wire formats, as the fake Google Calendar speaks them: error bodies, batch
requests and answers (multipart/mixed of application/http parts), opaque page tokens."""

from __future__ import annotations

import base64
import json
import secrets
from typing import Any

from aiohttp import web

Answer = tuple[int, dict[str, Any] | None]

STATUS_TEXT = {200: "OK", 204: "No Content", 400: "Bad Request", 401: "Unauthorized",
               403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed", 409: "Conflict",
               410: "Gone", 429: "Too Many Requests", 500: "Internal Server Error",
               503: "Service Unavailable"}

REASONS = {400: "invalid", 401: "authError", 403: "rateLimitExceeded", 404: "notFound",
           409: "duplicate", 410: "fullSyncRequired", 429: "rateLimitExceeded",
           500: "backendError", 503: "backendError"}


def google_error(status: int, message: str, reason: str = "") -> Answer:
    reason = reason or REASONS.get(status, "error")
    return status, {"error": {"code": status, "message": message, "errors": [
        {"domain": "global", "reason": reason, "message": message}]}}


def parse_http(raw: bytes) -> tuple[str, str, dict[str, str], bytes]:
    head, _, body = raw.replace(b"\r\n", b"\n").partition(b"\n\n")
    lines = head.decode().split("\n")
    method, target, _ = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return method, target, headers, body


def wrap(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


def unwrap(token: str) -> str:
    return base64.urlsafe_b64decode(token.encode()).decode()


def json_response(status: int, payload: dict[str, Any] | None) -> web.Response:
    if payload is None:
        return web.Response(status=status)
    return web.json_response(payload, status=status)


def batch_response(answers: list[tuple[str, int, dict[str, Any] | None]]) -> web.Response:
    """The answer to a batch: one application/http part per call, in order, each with the
    Content-ID of its request prefixed by `response-`."""
    boundary = "batch_" + secrets.token_hex(8)
    parts: list[str] = []
    for content_id, status, payload in answers:
        text = json.dumps(payload) if payload is not None else ""
        parts.append(
            f"--{boundary}\r\nContent-Type: application/http\r\n"
            f"Content-ID: <response-{content_id.strip('<>')}>\r\n\r\n"
            f"HTTP/1.1 {status} {STATUS_TEXT.get(status, 'Status')}\r\n"
            f"Content-Type: application/json; charset=UTF-8\r\n"
            f"Content-Length: {len(text.encode())}\r\n\r\n{text}\r\n")
    body = "".join(parts) + f"--{boundary}--\r\n"
    return web.Response(body=body.encode(),
                        headers={"Content-Type": f"multipart/mixed; boundary={boundary}"})
