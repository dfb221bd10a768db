"""Hulpwijzer services directory: HSDS-shaped help services and postcode routing."""
