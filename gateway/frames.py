"""Websocket frames from the widget (docs/protocol.md), validated strictly."""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter


class Frame(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StartFrame(Frame):
    type: Literal["start"]
    language: str | None = Field(default=None, max_length=8)
    conversation_id: str | None = Field(default=None, max_length=64)
    # The last handoff entry id the widget showed (docs/protocol.md), on a reconnect.
    after: str | None = Field(default=None, max_length=32)


class MessageFrame(Frame):
    type: Literal["message"]
    # The length limit is checked by the handler so the user gets a specific message.
    text: str
    id: str | None = Field(default=None, max_length=64)


class TypingFrame(Frame):
    type: Literal["typing"]


class EndFrame(Frame):
    type: Literal["end"]


ClientFrame = Annotated[
    StartFrame | MessageFrame | TypingFrame | EndFrame, Field(discriminator="type")
]
CLIENT_FRAME: TypeAdapter[ClientFrame] = TypeAdapter(ClientFrame)
