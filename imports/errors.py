import json


class ImportFormatError(Exception):
    """A source file that cannot be read, with where and why."""

    def __init__(self, reason: str, line: int | None = None, source: str = ""):
        self.reason = reason
        self.line = line
        self.source = source
        where = f"{source}:{line}: " if line is not None and source else (f"line {line}: " if line else "")
        super().__init__(f"{where}{reason}")


DEEP_JSON = ("the JSON nests deeper than Veche can read (arrays or objects inside each other more "
             "than about a thousand levels deep); no export of comments does that")


def json_loads(text: str, line: int | None = None):
    """json.loads, with a JSON nested past Python's recursion limit refused as a bad file
    (json raises RecursionError there, which is no reason a reader can act on)."""
    try:
        return json.loads(text)
    except RecursionError:
        raise ImportFormatError(DEEP_JSON, line) from None
