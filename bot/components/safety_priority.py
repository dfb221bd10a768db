"""Puts danger and suicide first when the classifier gives them a fair chance.

A missed "he has a knife" costs far more than an unneeded 112 line, so for these intents
the decision threshold is lower than "most likely": if their probability reaches the
configured share, they win over whatever ranks first (including `nlu_fallback`). The
confidence reported stays the classifier's own.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT
from rasa.shared.nlu.training_data.message import Message

DEFAULT_THRESHOLDS = {"immediate_danger": 0.15, "suicidal_thoughts": 0.15}


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class SafetyPriority(GraphComponent):
    """Runs after the classifier and the FallbackClassifier."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"thresholds": dict(DEFAULT_THRESHOLDS)}

    def __init__(self, config: dict[str, Any]) -> None:
        self._thresholds: dict[str, float] = {
            str(k): float(v) for k, v in config["thresholds"].items()
        }

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SafetyPriority:
        return cls({**cls.get_default_config(), **config})

    def choose(self, ranking: list[dict[str, Any]]) -> dict[str, Any] | None:
        """The priority intent to serve, or None to keep the classifier's choice."""
        candidates = [
            entry
            for entry in ranking
            if entry["name"] in self._thresholds
            and entry["confidence"] >= self._thresholds[entry["name"]]
        ]
        return max(candidates, key=lambda entry: entry["confidence"], default=None)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            chosen = self.choose(message.get("intent_ranking") or [])
            if chosen and (message.get(INTENT) or {}).get("name") != chosen["name"]:
                message.set(INTENT, dict(chosen), add_to_output=True)
        return messages
