"""What Google answered to one API call, and the write result it makes: a status (0 when there
was no answer at all), the body, and an error text short enough to show a person."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from googleapiclient.errors import HttpError
from googleapiclient.http import HttpRequest

from core.calendar.model import WriteResult

ERROR_MAX = 300


@dataclass(frozen=True, slots=True)
class Answer:
    status: int  # 0: no answer (network, timeout, credentials)
    body: dict[str, Any]
    error: str = ""


def send(request: HttpRequest, http: Any) -> Answer:
    try:
        return answer(request.execute(http=http), None)
    except Exception as error:
        return answer(None, error)


def answer(response: Any, error: Exception | None) -> Answer:
    if error is None:
        return Answer(200, response if isinstance(response, dict) else {})
    if isinstance(error, HttpError):
        return Answer(int(error.resp.status), {}, http_error_text(error))
    return Answer(0, {}, f"Google unreachable: {type(error).__name__}: {error}"[:ERROR_MAX])


def http_error_text(error: HttpError) -> str:
    reason, message = "", ""
    try:
        details = json.loads(error.content or b"{}").get("error", {})
        message = str(details.get("message", ""))
        reason = ",".join(str(e.get("reason", "")) for e in details.get("errors", []))
    except (ValueError, AttributeError):
        message = str(error.content or b"")[:100]
    reason = f" ({reason})" if reason else ""
    return f"HTTP {error.resp.status} from Google{reason}: {message}"[:ERROR_MAX]


def result(kind: str, answer: Answer) -> WriteResult:
    if answer.status == 200:
        return WriteResult(ok=True, etag=str(answer.body.get("etag", "")))
    if kind == "delete" and answer.status in (404, 410):
        return WriteResult(ok=True)  # already gone
    return WriteResult(ok=False, error=answer.error or f"HTTP {answer.status} from Google")
