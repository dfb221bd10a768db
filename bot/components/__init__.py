"""Custom Rasa graph components of the Hulpwijzer bot."""
