"""A conversation's handoff stream: every user and staff message and status, in order.

The user's side reads it through a consumer group (its cursor and unacknowledged entries
live in Redis, so another replica continues after a crash); the staff side reads it by
position, with the cursor held by the console, which resumes from the last id it showed.
"""

import time
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import ResponseError

from gateway.conversations import rasa_tracker_key, state_key
from gateway.handoff import keys

MAX_ENTRIES = 2000
NOT_HOLDER = "!"  # a handoff conversation is far shorter; this bounds a runaway one
WIDGET_CONSUMER = "widget"


@dataclass(frozen=True)
class LogEntry:
    id: str
    kind: str  # "user" | "staff" | "status"
    text: str = ""
    code: str = ""
    at: float = 0.0

    @classmethod
    def from_fields(cls, entry_id: str, fields: dict[str, str]) -> "LogEntry":
        return cls(
            id=entry_id,
            kind=fields.get("kind", ""),
            text=fields.get("text", ""),
            code=fields.get("code", ""),
            at=float(fields.get("at", "0")),
        )


# Appends once per client message id, so a client may resend after a lost ack.
APPEND_ONCE = """
if ARGV[4] ~= '' then
  -- A staff message: only the counsellor holding the active handoff may append.
  local state = redis.call('HMGET', KEYS[3], 'state', 'staff')
  if state[1] ~= 'active' or state[2] ~= ARGV[4] then return '!' end
end
if ARGV[1] ~= '' then
  if redis.call('HSETNX', KEYS[2], ARGV[1], '1') == 0 then return '' end
  redis.call('EXPIRE', KEYS[2], ARGV[2])
end
if redis.call('EXISTS', KEYS[1]) == 0 then return '' end
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[3], '*', unpack(ARGV, 5))
-- A message keeps the whole conversation alive: stream, handoff record, gateway state.
for i = 3, 5 do redis.call('EXPIRE', KEYS[i], ARGV[2]) end
redis.call('EXPIRE', KEYS[1], ARGV[2])
return id
"""


class HandoffLog:
    def __init__(self, redis: Redis, ttl_seconds: int) -> None:
        self._redis = redis
        self._ttl = ttl_seconds
        self._append_once = redis.register_script(APPEND_ONCE)

    async def append_message(
        self,
        conversation_id: str,
        kind: str,
        text: str,
        client_id: str | None,
        holder: str = "",
    ) -> str:
        """A user or staff message; "" when this client id was already taken (a resend)
        or the handoff is gone; NOT_HOLDER when `holder` does not hold the handoff."""
        fields = ["kind", kind, "at", f"{time.time():.3f}", "text", text]
        entry_id = await self._append_once(
            keys=[
                keys.log(conversation_id),
                keys.client_ids(conversation_id),
                keys.handoff(conversation_id),
                state_key(conversation_id),
                rasa_tracker_key(conversation_id),
            ],
            args=[
                f"{kind}:{client_id}" if client_id else "",
                self._ttl,
                MAX_ENTRIES,
                holder,
                *fields,
            ],
        )
        return str(entry_id or "")

    async def append(self, conversation_id: str, kind: str, text: str = "", code: str = "") -> str:
        key = keys.log(conversation_id)
        fields: dict[Any, Any] = {"kind": kind, "at": f"{time.time():.3f}"}
        if text:
            fields["text"] = text
        if code:
            fields["code"] = code
        async with self._redis.pipeline(transaction=True) as pipe:
            # NOMKSTREAM: a forgotten conversation stays forgotten.
            pipe.xadd(key, fields, maxlen=MAX_ENTRIES, approximate=True, nomkstream=True)
            pipe.expire(key, self._ttl, xx=True)
            entry_id, _ = await pipe.execute()
        return str(entry_id or "")

    async def read_for_user(
        self, conversation_id: str, pending: bool, block_ms: int
    ) -> list[LogEntry] | None:
        """Entries for the widget: its unacknowledged ones (pending) or new ones.

        None when the stream or its group is gone (the handoff was forgotten)."""
        try:
            response: Any = await self._redis.xreadgroup(
                keys.WIDGET_GROUP,
                WIDGET_CONSUMER,
                {keys.log(conversation_id): "0" if pending else ">"},
                count=100,
                block=None if pending else block_ms,
            )
        except ResponseError as error:
            # Deleted before or while blocked (cancel, quick exit): the handoff is gone.
            if "NOGROUP" in str(error) or "no longer exists" in str(error):
                return None
            raise
        return [
            LogEntry.from_fields(entry_id, fields)
            for _, entries in response or []
            for entry_id, fields in entries
            if fields  # a trimmed pending entry comes back without fields
        ]

    async def rewind_for_user(self, conversation_id: str, after: str) -> None:
        """The widget says what it last showed: deliver everything after that again,
        even entries written to a socket that died before the widget read them."""
        key = keys.log(conversation_id)
        try:
            pending = await self._redis.xpending_range(
                key, keys.WIDGET_GROUP, min="-", max="+", count=10_000
            )
            if pending:
                await self._redis.xack(key, keys.WIDGET_GROUP, *[p["message_id"] for p in pending])
            await self._redis.xgroup_setid(key, keys.WIDGET_GROUP, after)
        except ResponseError:
            return  # no such stream or group, or an id from another stream: nothing to do

    async def ack_for_user(self, conversation_id: str, *entry_ids: str) -> None:
        await self._redis.xack(keys.log(conversation_id), keys.WIDGET_GROUP, *entry_ids)

    async def read_after(
        self, cursors: dict[str, str], block_ms: int
    ) -> list[tuple[str, LogEntry]]:
        """New entries of several conversations after each cursor (XREAD)."""
        if not cursors:
            return []
        streams: dict[Any, Any] = {keys.log(cid): cursor for cid, cursor in cursors.items()}
        response: Any = await self._redis.xread(streams, count=200, block=block_ms)
        prefix, suffix = "hw:handoff:", ":log"
        return [
            (stream[len(prefix) : -len(suffix)], LogEntry.from_fields(entry_id, fields))
            for stream, entries in response or []
            for entry_id, fields in entries
        ]
