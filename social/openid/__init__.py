"""Generic OpenID Connect for Veche: allauth's provider with a nonce (provider.py) and its
views with a clear refusal when the provider cannot be reached (urls.py)."""
