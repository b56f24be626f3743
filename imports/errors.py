class ImportFormatError(Exception):
    """A source file that cannot be read, with where and why."""

    def __init__(self, reason: str, line: int | None = None, source: str = ""):
        self.reason = reason
        self.line = line
        self.source = source
        where = f"{source}:{line}: " if line is not None and source else (f"line {line}: " if line else "")
        super().__init__(f"{where}{reason}")
