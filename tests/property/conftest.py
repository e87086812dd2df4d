"""Hypothesis settings for the property tests: enough cases to matter, fast enough for CI."""

from hypothesis import settings

settings.register_profile("storefront", max_examples=200, deadline=None, database=None)
settings.load_profile("storefront")
