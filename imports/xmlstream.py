"""Reading large XML exports as a stream of small records, with line numbers.

The parser is defusedxml's (entity declarations and external references are refused, so an
export cannot expand a billion laughs or read local files). Instead of building a tree and
clearing it, it feeds a target that keeps only the record being read — a Disqus <post>, a
WordPress <item> — as a flat dict of its fields, so memory is one record whatever the file
size, and every record knows the line it started on for warnings.

Two faults seen in real exports can be repaired, each with a warning naming its line:
stray characters before the XML declaration, and an attribute value without quotes
(`<thread dsq:id=247937687/>`). Expat reports the latter with its line and column; the
reader then quotes that value and starts again. Anything else is refused with expat's line
and reason.
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import XMLParser

from imports.errors import ImportFormatError

FEED_BYTES = 256 * 1024  # bytes handed to the parser at a time
HEAD_BYTES = 4096  # where the XML declaration must be found when something precedes it
MAX_REPAIRS = 50  # quoted attributes before a file counts as too broken to guess at

_UNQUOTED = re.compile(rb"(\s[A-Za-z_][\w.:-]*)=([^\s\"'<>=`]+?)(?=\s|/?>)")

KNOWN_NAMESPACES = {
    "http://disqus.com": "",
    "http://disqus.com/disqus-internals": "dsq",
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://wordpress.org/export/1.0/excerpt/": "excerpt",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://www.w3.org/2001/XMLSchema-instance": "xsi",
}


def prefix_for(uri: str) -> str:
    if uri in KNOWN_NAMESPACES:
        return KNOWN_NAMESPACES[uri]
    if re.match(r"https?://wordpress\.org/export/1\.\d+/excerpt/?$", uri):
        return "excerpt"
    if re.match(r"https?://wordpress\.org/export/1\.\d+/?$", uri):
        return "wp"  # WXR versions 1.0 to 1.2 differ in details a reader can ignore
    return "{" + uri + "}"


def local(tag: str) -> str:
    """"{uri}name" → "prefix:name" (or "name" in the default namespace)."""
    if tag.startswith("{"):
        uri, _, name = tag[1:].partition("}")
        prefix = prefix_for(uri)
        return f"{prefix}:{name}" if prefix else name
    return tag


@dataclass
class Record:
    name: str
    line: int
    attrs: dict[str, str]
    fields: dict[str, list[tuple[str, dict[str, str]]]] = field(default_factory=dict)
    children: list["Record"] = field(default_factory=list)

    def text(self, path: str, default: str = "") -> str:
        found = self.fields.get(path)
        return found[0][0].strip() if found else default

    def raw(self, path: str) -> str:
        found = self.fields.get(path)
        return found[0][0] if found else ""

    def attr(self, path: str, name: str) -> str | None:
        found = self.fields.get(path)
        return found[0][1].get(name) if found else None

    def all(self, path: str) -> list[tuple[str, dict[str, str]]]:
        return self.fields.get(path, [])

    def has(self, path: str) -> bool:
        return path in self.fields


class _Target:
    """ElementTree parser target collecting records at the given element paths."""

    def __init__(self, paths: set[tuple[str, ...]], where: Callable[[], int]):
        self.paths = paths
        self.where = where
        self.stack: list[str] = []
        self.records: list[tuple[int, Record]] = []  # open records, with their stack depth
        self.texts: list[list[str]] = []  # text of open fields, innermost last
        self.field_attrs: list[dict[str, str]] = []
        self.done: list[Record] = []
        self.root: str | None = None
        self.namespaces: set[str] = set()

    def start_ns(self, prefix, uri):
        self.namespaces.add(uri)

    def start(self, tag, attrib):
        name = local(tag)
        if self.root is None:
            self.root = name
        self.stack.append(name)
        attrs = {local(k): v for k, v in attrib.items()}
        if tuple(self.stack) in self.paths:
            self.records.append((len(self.stack), Record(name, self.where(), attrs)))
        elif self.records:
            self.texts.append([])
            self.field_attrs.append(attrs)

    def data(self, text):
        if self.texts:
            self.texts[-1].append(text)

    def end(self, tag):
        depth = len(self.stack)
        self.stack.pop()
        if self.records and self.records[-1][0] == depth:
            _, rec = self.records.pop()
            if self.records:
                self.records[-1][1].children.append(rec)
            else:
                self.done.append(rec)
        elif self.records:
            base = self.records[-1][0]
            path = "/".join(self.stack[base:] + [local(tag)])
            text = "".join(self.texts.pop())
            self.records[-1][1].fields.setdefault(path, []).append((text, self.field_attrs.pop()))

    def close(self):
        return None


def _head(data: bytes) -> tuple[bytes, int, str]:
    """Drop stray bytes before the XML declaration: (rest, lines dropped, what was dropped)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    at = data.find(b"<?xml", 0, HEAD_BYTES)
    if at <= 0:
        stripped = data.lstrip()
        if at < 0 and stripped and not stripped.startswith(b"<"):
            raise ImportFormatError("the file does not start with XML (no “<?xml” declaration "
                                    "and no element at the start)", 1)
        return data, 0, ""
    dropped = data[:at]
    return data[at:], dropped.count(b"\n"), dropped.decode("utf-8", "replace")


def _repair(line: bytes, column: int) -> tuple[bytes, str] | None:
    """Quote the unquoted attribute value nearest `column`, if the error is one."""
    best = None
    for m in _UNQUOTED.finditer(line):
        in_tag = line.rfind(b"<", 0, m.start()) > line.rfind(b">", 0, m.start())
        if in_tag and (best is None or abs(m.start(2) - column) < abs(best.start(2) - column)):
            best = m
    if best is None or abs(best.start(2) - column) > 2 * len(best.group(0)) + 8:
        return None
    fixed = line[: best.start()] + best.group(1) + b'="' + best.group(2) + b'"' + line[best.end():]
    shown = (best.group(1).strip() + b"=" + best.group(2)).decode("utf-8", "replace")
    return fixed, shown


class XMLRecords:
    """Iterate the records of `path` at `paths` (tuples of element names from the root).

    `on_restart` is called when a repair means reading again from the start: the caller
    drops what it buffered. `warn(message, line)` receives the repair notes."""

    def __init__(self, path, paths: set[tuple[str, ...]], warn: Callable[[str, int], None],
                 on_restart: Callable[[], None] | None = None, repairs: bool = True):
        self.path = path
        self.paths = paths
        self.warn = warn
        self.on_restart = on_restart
        self.allow_repairs = repairs
        self.fixes: dict[int, bytes] = {}  # line number → repaired line
        self.root: str | None = None
        self.namespaces: set[str] = set()  # URIs declared so far

    def __iter__(self) -> Iterator[Record]:
        while True:
            try:
                yield from self._read()
                return
            except _Restart:
                if self.on_restart:
                    self.on_restart()

    def _read(self) -> Iterator[Record]:
        self._offset = 0
        target = _Target(self.paths, lambda: self._parser.parser.CurrentLineNumber + self._offset)
        self._parser = XMLParser(target=target)
        with open(self.path, "rb") as fh:
            head_lines: list[bytes] = []
            size = 0
            for raw in fh:
                head_lines.append(self.fixes.get(len(head_lines) + 1, raw))
                size += len(raw)
                if b"<?xml" in raw or size > HEAD_BYTES:
                    break
            head, self._offset, dropped = _head(b"".join(head_lines))
            if dropped.strip() and not self.fixes:
                self.warn(f"{len(dropped.strip())} stray character(s) {dropped.strip()[:20]!r} "
                          "before the XML declaration were ignored", 1)
            buffer, size, lineno = [head], len(head), len(head_lines)
            for raw in fh:
                lineno += 1
                buffer.append(self.fixes.get(lineno, raw))
                size += len(raw)
                if size >= FEED_BYTES:
                    yield from self._feed(target, b"".join(buffer))
                    buffer, size = [], 0
            yield from self._feed(target, b"".join(buffer))
            try:
                self._parser.close()
            except (ParseError, DefusedXmlException) as exc:
                self._fail(exc)
            yield from self._drain(target)

    def _feed(self, target, data: bytes) -> Iterator[Record]:
        failed = None
        try:
            self._parser.feed(data)
        except (ParseError, DefusedXmlException) as exc:
            failed = exc
        self.root, self.namespaces = target.root, target.namespaces
        # Records completed before a fault are handed over first: whatever the chunking,
        # everything before the faulty line is read.
        yield from self._drain(target)
        if failed is not None:
            self._fail(failed)

    @staticmethod
    def _drain(target) -> Iterator[Record]:
        done, target.done = target.done, []
        yield from done

    def _fail(self, exc: Exception):
        if isinstance(exc, DefusedXmlException):
            raise ImportFormatError("the file declares entities or external references, which an "
                                    "import refuses (they can expand without bound or read local "
                                    "files)", self._parser.parser.CurrentLineNumber + self._offset) from exc
        line, column = exc.position
        line += self._offset
        reason = str(exc).split(": line")[0]
        if self.allow_repairs and "not well-formed" in reason and len(self.fixes) < MAX_REPAIRS:
            current = self.fixes.get(line) or _line_of(self.path, line)
            fixed = _repair(current, column) if current is not None else None
            if fixed is not None:
                self.fixes[line] = fixed[0]
                self.warn(f"the attribute value in {fixed[1]} had no quotes; it was read as quoted", line)
                raise _Restart from exc
        raise ImportFormatError(f"the XML is malformed: {reason} (column {column + 1})", line) from exc


class _Restart(Exception):
    pass


def _line_of(path, number: int) -> bytes | None:
    with open(path, "rb") as fh:
        for i, raw in enumerate(fh, start=1):
            if i == number:
                return raw
    return None
