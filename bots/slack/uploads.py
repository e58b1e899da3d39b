"""Charts and exports into the conversation they were asked in, with Slack's files upload v2
(`files.getUploadURLExternal`, the bytes to the URL it gives, `files.completeUploadExternal`
into the channel and thread). Where Cairn may not post (a channel it is not in), the file goes
to the person's DM instead, and the answer says so."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from core.reports.views import ReportFile
from core.views import Notice, Tone

logger = logging.getLogger(__name__)

#: Errors that mean "not here", worth one more try in the person's DM.
ELSEWHERE = {"not_in_channel", "channel_not_found", "is_archived", "restricted_action",
             "access_denied", "not_allowed_token_type"}


async def upload(client: AsyncWebClient, view: ReportFile, *, channel: str,
                 thread_ts: str | None = None) -> None:
    """Raises `SlackApiError` (or a client error) when Slack refuses or does not answer."""
    data = await asyncio.to_thread(Path(view.file.location).read_bytes)
    await client.files_upload_v2(channel=channel, thread_ts=thread_ts, file=data,
                                 filename=view.file.name, title=view.title,
                                 alt_txt=view.summary[:1000] if view.is_image else None,
                                 initial_comment=view.summary)


async def share(client: AsyncWebClient, view: ReportFile, *, channel: str, user_id: str,
                thread_ts: str | None = None) -> Notice:
    """Uploads the file where it was asked (the person's DM when nowhere else will do) and
    answers with where it went."""
    if channel:
        try:
            await upload(client, view, channel=channel, thread_ts=thread_ts)
            where = "in this thread" if thread_ts else "in this conversation"
            return Notice(text=f"{view.title} shared {where} ({view.file.name}).",
                          tone=Tone.SUCCESS)
        except SlackApiError as error:
            code = str(error.response.get("error"))
            if code not in ELSEWHERE:
                return _failed(code)
            logger.info("could not share %s in %s (%s): sending it by DM", view.file.name,
                        channel, code)
        except (aiohttp.ClientError, TimeoutError) as error:
            return _failed(type(error).__name__)
    try:
        opened = await client.conversations_open(users=user_id)
        dm = str((opened.get("channel") or {}).get("id") or user_id)
        await upload(client, view, channel=dm)
    except SlackApiError as error:
        return _failed(str(error.response.get("error")))
    except (aiohttp.ClientError, TimeoutError) as error:
        return _failed(type(error).__name__)
    hint = "/invite @Cairn to the channel to share files there" if channel else ""
    return Notice(text=f"{view.title} sent to you in a DM ({view.file.name}).",
                  tone=Tone.SUCCESS if not channel else Tone.INFO, hint=hint)


def _failed(code: str) -> Notice:
    logger.warning("could not upload a file to Slack: %s", code)
    return Notice(text="Slack would not take the file; try again in a minute.",
                  tone=Tone.ERROR)
