"""The newsroom's hand in the discussion and members' standing: editors' picks, a pinned note,
badges, and each member's ignore list."""
