"""The gateway's Redis clients, made in the lifespan with one connection behaviour.

`Redis.from_url` does not retry by default, so after a Redis restart every pooled
connection failed once on its next use (a 500 for a staff sign-in, an error in a chat).
These clients retry a command on a fresh connection after a connection error. A connection
lost after Redis ran a command can repeat it: message appends are idempotent by client id
(gateway/handoff/log.py); a counter may count once more.
"""

from typing import Any

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError

RETRIES = 2


def connect_redis(url: str, **options: Any) -> Redis:
    retry = Retry(
        ExponentialBackoff(cap=0.5, base=0.05), RETRIES, supported_errors=(RedisConnectionError,)
    )
    return Redis.from_url(url, retry=retry, **options)
