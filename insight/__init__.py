"""Editors' insight: a page per article and one for the site, with pictures of what readers
quoted, argued about and reported (docs/insight.md)."""
