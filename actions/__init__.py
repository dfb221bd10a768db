"""Hulpwijzer's custom actions, served by the rasa-sdk action server."""
