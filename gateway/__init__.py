"""The chat gateway: the widget's websocket, relay to Rasa, safety net, handoff."""
