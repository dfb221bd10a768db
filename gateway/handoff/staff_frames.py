"""Websocket frames from the staff console (docs/protocol.md), validated strictly."""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

ConversationId = Annotated[str, Field(min_length=1, max_length=64)]


class StaffFrame(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HelloFrame(StaffFrame):
    type: Literal["hello"]
    # Last log id the console showed per conversation, to resume after a reconnect.
    cursors: dict[ConversationId, Annotated[str, Field(max_length=32)]] = Field(
        default_factory=dict, max_length=200
    )


class ClaimFrame(StaffFrame):
    type: Literal["claim"]
    conversation_id: ConversationId


class StaffMessageFrame(StaffFrame):
    type: Literal["message"]
    conversation_id: ConversationId
    text: str
    id: str | None = Field(default=None, max_length=64)


class TransferFrame(StaffFrame):
    type: Literal["transfer"]
    conversation_id: ConversationId
    to: str = Field(min_length=1, max_length=40)


class CloseFrame(StaffFrame):
    type: Literal["close"]
    conversation_id: ConversationId
    outcome: str = Field(min_length=1, max_length=40)


class StaffTypingFrame(StaffFrame):
    """The counsellor is typing; passed to the user's widget without any text."""

    type: Literal["typing"]
    conversation_id: ConversationId


StaffClientFrame = Annotated[
    HelloFrame | ClaimFrame | StaffMessageFrame | TransferFrame | CloseFrame | StaffTypingFrame,
    Field(discriminator="type"),
]
STAFF_FRAME: TypeAdapter[StaffClientFrame] = TypeAdapter(StaffClientFrame)
