"""Every Redis key and channel of the handoff, in one place (docs/handoff.md)."""

QUEUE = "hw:handoff:queue"  # sorted set of waiting conversation ids (risk first, then oldest)
EVENTS = "hw:handoff:events"  # pub/sub: ephemeral changes every replica's sessions react to
PRESENCE = "hw:staff:presence"  # sorted set "username|connection" -> presence expiry (ms)
RECENT_WAITS = "hw:handoff:recent-waits"  # list of recent wait seconds (no ids)
WIDGET_GROUP = "widget"  # consumer group delivering a conversation's stream to the user


def handoff(conversation_id: str) -> str:
    return f"hw:handoff:{conversation_id}"


def log(conversation_id: str) -> str:
    """The conversation's handoff stream: user and staff messages, status changes."""
    return f"hw:handoff:{conversation_id}:log"


def client_ids(conversation_id: str) -> str:
    """Client message ids already appended (resends are acknowledged, not repeated)."""
    return f"hw:handoff:{conversation_id}:client-ids"


def user_events(conversation_id: str) -> str:
    """Pub/sub for the user's connections of one conversation: the counsellor is typing."""
    return f"hw:handoff:{conversation_id}:user-events"


def held(username: str) -> str:
    return f"hw:staff:{username}:held"


HELD_PATTERN = held("*")  # usernames never contain ":" (account_store.USERNAME)


def holder(held_key: str) -> str:
    """The username in a key made by `held`."""
    return held_key.removeprefix("hw:staff:").removesuffix(":held")


def failed_logins(username: str) -> str:
    return f"hw:staff:failed:{username}"


def session(token_hash: str) -> str:
    return f"hw:staff:session:{token_hash}"


def stats(day: str) -> str:
    return f"hw:stats:handoff:{day}"
