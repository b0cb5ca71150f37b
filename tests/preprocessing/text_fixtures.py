"""Loads tests/fixtures/text.json, the numbers make_text_fixtures.py recorded from Keras 2 and Keras 3."""
import json
import os

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures")

with open(os.path.join(FIXTURES, "text.json"), encoding="utf-8") as f:
    TEXT_FACTS = json.load(f)
