"""The rows of chosen tables in a MySQL/MariaDB SQL dump, read as a stream.

What `mysqldump` (and `mariadb-dump`, phpMyAdmin, DataLife Engine's own backup) writes:

    -- comments, /* comments */ and /*!40101 conditional statements */;
    CREATE TABLE `dle_comments` ( `id` int(10) unsigned NOT NULL auto_increment, … );
    INSERT INTO `dle_comments` VALUES (1,2,'it''s \\'quoted\\'\\n',NULL),(2,…);
    INSERT INTO `dle_comments` (`id`, `text`) VALUES (…);

Only INSERT (and REPLACE) statements of the tables asked for are parsed into rows; every other
statement is skipped by scanning to its delimiter (`DELIMITER` is understood, for dumps with
triggers). The file is read in chunks and a row is handed out as soon as it is complete, so
memory holds one chunk and the row being read, never a whole statement of many rows, however
large the file. A row without a column list takes its columns from the table's CREATE TABLE.

Values come out as text (numbers as they are written), None for NULL, and bytes decoded with
the dump's character set: what PyMySQL returns without converters, so both ways of reading a
DLE site give the same rows.
"""

import re
from collections.abc import Iterator

from imports.errors import ImportFormatError

CHUNK = 1 << 20  # characters read at a time
LOOKAHEAD = 64  # characters a token's first part needs, at most
ENCODING_PEEK = 1 << 16  # bytes looked at for "SET NAMES …" at the top of the file
# MySQL character sets as Python codecs; "latin1" in MySQL is Windows-1252.
CHARSETS = {"utf8": "utf-8", "utf8mb3": "utf-8", "utf8mb4": "utf-8", "cp1251": "cp1251",
            "latin1": "cp1252", "koi8r": "koi8-r", "ascii": "ascii"}

_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")
_NAME = re.compile(r"`((?:[^`]|``)+)`|([A-Za-z0-9_$]+)")
_STRING_BODY = {"'": re.compile(r"(?:[^'\\]+|\\.|'')*", re.S),
                '"': re.compile(r'(?:[^"\\]+|\\.|"")*', re.S)}
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_HEX = re.compile(r"0x[0-9A-Fa-f]*")
_ESCAPE = re.compile(r"\\(.)|''|\"\"", re.S)
_UNESCAPED = {"0": "\x00", "b": "\b", "n": "\n", "r": "\r", "t": "\t", "Z": "\x1a",
              "%": "\\%", "_": "\\_"}  # \% and \_ keep their backslash, as MySQL does
_DEFINITION = re.compile(r"\s*(?:`((?:[^`]|``)+)`|([A-Za-z0-9_$]+))")
_NOT_COLUMNS = {"PRIMARY", "KEY", "INDEX", "UNIQUE", "CONSTRAINT", "FOREIGN", "FULLTEXT", "SPATIAL",
                "CHECK", "PERIOD", "SYSTEM"}
_PARTS = re.compile(r"'(?:[^'\\]|\\.|'')*'|\"(?:[^\"\\]|\\.)*\"|`(?:[^`]|``)*`|[(),]", re.S)
_SET_NAMES = re.compile(rb"SET\s+NAMES\s+'?(\w+)", re.I)


def unescape(text: str) -> str:
    if "\\" not in text and "''" not in text and '""' not in text:
        return text

    def repl(m: re.Match) -> str:
        if m.group(1) is None:
            return m.group(0)[0]
        return _UNESCAPED.get(m.group(1), m.group(1))

    return _ESCAPE.sub(repl, text)


def table_columns(body: str) -> list[str]:
    """The column names of a CREATE TABLE's "( definitions ) options", in order."""
    parts, depth, start = [], 0, None
    for m in _PARTS.finditer(body):
        token = m.group(0)
        if token == "(":  # noqa: S105  a parser's token, no password
            depth += 1
            if depth == 1:
                start = m.end()
        elif token == ")":  # noqa: S105
            depth -= 1
            if depth == 0 and start is not None:
                parts.append(body[start:m.start()])
                break
        elif token == "," and depth == 1 and start is not None:  # noqa: S105
            parts.append(body[start:m.start()])
            start = m.end()
    columns = []
    for part in parts:
        m = _DEFINITION.match(part)
        if m is None:
            continue
        if m.group(1) is not None:
            columns.append(m.group(1).replace("``", "`"))
        elif m.group(2).upper() not in _NOT_COLUMNS:
            columns.append(m.group(2))
    return columns


def dump_encoding(path) -> str:
    """The Python codec for the character set the dump declares ("SET NAMES …"), else UTF-8."""
    with open(path, "rb") as fh:
        head = fh.read(ENCODING_PEEK)
    m = _SET_NAMES.search(head)
    return CHARSETS.get(m.group(1).decode().lower(), "utf-8") if m else "utf-8"


class DumpReader:
    """`for table, row, line in DumpReader(path, {"dle_post", …}).rows(): …` — row is a dict
    of column name → value; line is the line of the INSERT statement holding it."""

    def __init__(self, path, tables: set[str], encoding: str | None = None, chunk: int = CHUNK):
        self.path = path
        self.tables = tables
        self.encoding = encoding or dump_encoding(path)
        self.chunk = chunk
        self.columns: dict[str, list[str]] = {}
        self.seen: set[str] = set()  # tables asked for with a CREATE TABLE or an INSERT in the file
        self.all_tables: set[str] = set()  # every table the file creates or fills
        self.delimiter = ";"

    # --- the buffer -------------------------------------------------------------------
    def _open(self):
        self.fh = open(self.path, encoding=self.encoding, errors="strict", newline="")  # noqa: SIM115
        self.buf = ""
        self.pos = 0
        self.eof = False
        self.base_line = 1  # the line at buf[0]
        self.keep: int | None = None
        self._mark = (0, 1)  # (pos, line) last counted, so counting lines stays linear

    def _fill(self, at_least: int | None = None) -> bool:
        """Read more; False at the end of the file. Consumed text is dropped first, except
        from `self.keep` on (the start of a token being read, which moves with the text)."""
        if self.eof:
            return False
        drop = self.pos if self.keep is None else min(self.pos, self.keep)
        if drop:
            self.base_line += self.buf.count("\n", 0, drop)
            self.buf = self.buf[drop:]
            self.pos -= drop
            if self.keep is not None:
                self.keep -= drop
            self._mark = (0, self.base_line)
        data = self.fh.read(max(self.chunk, at_least or 0))
        if not data:
            self.eof = True
            return False
        self.buf += data
        return True

    def _line(self) -> int:
        pos, line = self._mark
        if pos > self.pos:
            pos, line = 0, self.base_line
        line += self.buf.count("\n", pos, self.pos)
        self._mark = (self.pos, line)
        return line

    def _fail(self, reason: str, line: int | None = None):
        raise ImportFormatError(f"the SQL dump is malformed: {reason}", line or self._line())

    def _skip_space(self) -> bool:
        """Skip white space and comments; False at the end of the file."""
        while True:
            if self.pos >= len(self.buf) and not self._fill():
                return False
            m = _SPACE.match(self.buf, self.pos)
            if m:
                self.pos = m.end()
                continue
            if len(self.buf) - self.pos < 3 and self._fill():
                continue
            rest = self.buf[self.pos:self.pos + 3]
            if rest.startswith("#") or rest.startswith("-- ") or rest in ("--\n", "--\r"):
                self._skip_past("\n", eof_ok=True)
            elif rest.startswith("/*") and not rest.startswith("/*!"):
                self._skip_past("*/")
            else:
                return True

    def _skip_past(self, token: str, eof_ok: bool = False) -> None:
        while True:
            found = self.buf.find(token, self.pos)
            if found >= 0:
                self.pos = found + len(token)
                return
            self.pos = max(self.pos, len(self.buf) - len(token) + 1)
            if not self._fill():
                if eof_ok:
                    self.pos = len(self.buf)
                    return
                self._fail(f"“{token}” never comes")

    def _peek(self, n: int = 1) -> str:
        while len(self.buf) - self.pos < n and self._fill():
            pass
        return self.buf[self.pos:self.pos + n]

    def _match(self, pattern: re.Pattern, margin: int = 1) -> re.Match | None:
        """A token that must end at least `margin` characters before the end of the buffer
        (else it may go on in the text not read yet): read more until it does. No match with
        LOOKAHEAD characters left is no match: every pattern here fails on its first few."""
        while True:
            m = pattern.match(self.buf, self.pos)
            if m and (m.end() + margin <= len(self.buf) or self.eof):
                return m
            if m is None and len(self.buf) - self.pos >= LOOKAHEAD:
                return None
            if not self._fill(len(self.buf)):
                return pattern.match(self.buf, self.pos)

    # --- statements -------------------------------------------------------------------
    def rows(self) -> Iterator[tuple[str, dict, int]]:
        self._open()
        try:
            while self._skip_space():
                if self.buf.startswith("/*!", self.pos):
                    self._skip_statement()
                    continue
                word = self._match(_WORD)
                if word is None:
                    if self._peek(len(self.delimiter)) == self.delimiter:
                        self.pos += len(self.delimiter)
                        continue
                    self._fail(f"unexpected {self._peek(20)!r}")
                keyword = word.group(0).upper()
                if keyword in ("INSERT", "REPLACE"):
                    yield from self._insert(word.end())
                elif keyword == "CREATE":
                    self._create(word.end())
                elif keyword == "DELIMITER":
                    self.pos = word.end()
                    self._skip_space()
                    end = self._match(re.compile(r"\S+"))
                    self.delimiter = end.group(0) if end else ";"
                    self.pos = end.end() if end else self.pos
                else:
                    self._skip_statement()
        finally:
            self.fh.close()

    def _skip_statement(self) -> None:
        """To just past the delimiter that ends the statement, stepping over quoted text."""
        first = self.delimiter[0]
        stops = re.compile("[" + re.escape("'\"`" + first) + "]|/\\*")
        while True:
            m = stops.search(self.buf, self.pos)
            if m is None:  # the last character may begin a "/*" or the delimiter: keep it
                self.pos = max(self.pos, len(self.buf) - 1)
                if not self._fill():
                    self.pos = len(self.buf)
                    return
                continue
            self.pos = m.start()
            ch = m.group(0)
            if ch == "/*":
                if self.buf.startswith("/*!", self.pos):
                    self.pos += 3  # a conditional comment's text is part of the statement
                else:
                    self._skip_past("*/")
            elif ch in "'\"":
                self._string(ch)
            elif ch == "`":
                self._name()
            elif self._peek(len(self.delimiter)) == self.delimiter:
                self.pos += len(self.delimiter)
                return
            else:
                self.pos += 1

    def _name(self) -> str:
        m = self._match(_NAME)
        if m is None:
            self._fail(f"a name was expected, not {self._peek(20)!r}")
        self.pos = m.end()
        if m.group(1) is not None:
            return m.group(1).replace("``", "`")
        return m.group(2)

    def _table_name(self) -> str:
        name = self._name()
        while self._peek() == ".":  # `database`.`table`
            self.pos += 1
            name = self._name()
        return name

    def _expect(self, text: str) -> None:
        self._skip_space()
        if self._peek(len(text)).upper() != text.upper():
            self._fail(f"“{text}” was expected, not {self._peek(20)!r}")
        self.pos += len(text)

    def _create(self, after: int) -> None:
        self.pos = after
        self._skip_space()
        word = self._match(_WORD)
        if word is None or word.group(0).upper() != "TABLE":
            self._skip_statement()
            return
        self.pos = word.end()
        self._skip_space()
        if self._peek(2).upper() == "IF":  # IF NOT EXISTS
            self.pos += 2
            for w in ("NOT", "EXISTS"):
                self._expect(w)
            self._skip_space()
        table = self._table_name()
        self.keep = self.pos
        try:
            self._skip_statement()
            body = self.buf[self.keep:self.pos]
        finally:
            self.keep = None
        self.all_tables.add(table)
        if table in self.tables:
            self.columns[table] = table_columns(body)
            self.seen.add(table)

    def _insert(self, after: int) -> Iterator[tuple[str, dict, int]]:
        self.pos = after
        while True:  # LOW_PRIORITY, DELAYED, HIGH_PRIORITY, IGNORE, then INTO
            self._skip_space()
            word = self._match(_WORD)
            if word is None:
                self._fail("INSERT without INTO")
            self.pos = word.end()
            if word.group(0).upper() == "INTO":
                break
        self._skip_space()
        table = self._table_name()
        line = self._line()
        self.all_tables.add(table)
        if table not in self.tables:
            self._skip_statement()
            return
        self.seen.add(table)
        self._skip_space()
        columns = None
        if self._peek() == "(":
            self.pos += 1
            columns = []
            while True:
                self._skip_space()
                columns.append(self._name())
                self._skip_space()
                sep = self._peek()
                self.pos += 1
                if sep == ")":
                    break
                if sep != ",":
                    self._fail(f"the column list of {table} is malformed", line)
        else:
            columns = self.columns.get(table)
            if columns is None:
                self._fail(f"an INSERT into {table} names no columns and no CREATE TABLE for it "
                           "came before; dump with its table definitions", line)
        self._skip_space()
        word = self._match(_WORD)
        if word is None or word.group(0).upper() not in ("VALUES", "VALUE"):
            self._fail(f"only INSERT … VALUES is read (table {table})", line)  # noqa: S608  a message, not a statement
        self.pos = word.end()
        number = 0
        while True:
            self._expect("(")
            number += 1
            values = self._values(table, number, line)
            if len(values) != len(columns):
                self._fail(f"table {table}, row {number} of the INSERT (first value {values[0]!r}): "  # noqa: S608  a message, not a statement
                           f"{len(values)} values for {len(columns)} columns", line)
            yield table, dict(zip(columns, values, strict=True)), line
            self._skip_space()
            sep = self._peek()
            if sep == ",":
                self.pos += 1
                continue
            self._skip_statement()  # the delimiter, or ON DUPLICATE KEY UPDATE … then it
            return

    def _values(self, table: str, number: int, line: int) -> list:
        values: list = []
        while True:
            self._skip_space()
            values.append(self._value(table, number, line))
            self._skip_space()
            sep = self._peek()
            self.pos += 1
            if sep == ")":
                return values
            if sep != ",":
                self._fail(f"table {table}, row {number} of the INSERT: “,” or “)” expected "
                           f"after value {len(values)}", line)

    def _value(self, table: str, number: int, line: int):
        ch = self._peek()
        if ch in ("'", '"'):
            return unescape(self._string(ch))
        if ch == "_":  # a character set introducer: _binary '…', _utf8mb4 0x…
            word = self._match(_WORD)
            self.pos = word.end() if word else self.pos + 1
            self._skip_space()
            return self._value(table, number, line)
        head = self._peek(4).upper()
        if head == "NULL":
            self.pos += 4
            return None
        pair = self._peek(2)
        if pair[:1] in "xXbB" and pair[1:] == "'":  # X'4f6b', b'101': quoted like a string
            self.pos += 1
            digits = self._string("'")
            try:
                if pair[0] in "xX":
                    return bytes.fromhex(digits).decode(self.encoding, errors="replace")
                return str(int(digits or "0", 2))
            except ValueError:
                self._fail(f"table {table}, row {number} of the INSERT: {pair[0]}'{digits[:20]}' is "
                           "not a literal", line)
        m = self._match(_HEX)
        if m:
            self.pos = m.end()
            return bytes.fromhex(m.group(0)[2:]).decode(self.encoding, errors="replace")
        m = self._match(_NUMBER)
        if m:
            self.pos = m.end()
            return m.group(0)
        word = self._match(_WORD)
        if word and word.group(0).upper() in ("TRUE", "FALSE"):
            self.pos = word.end()
            return "1" if word.group(0).upper() == "TRUE" else "0"
        self._fail(f"table {table}, row {number} of the INSERT: a value cannot be read at "
                   f"{self._peek(20)!r}", line)

    def _string(self, quote: str) -> str:
        """The raw text of a quoted string starting at pos (escapes not yet undone)."""
        self.pos += 1
        # Two characters of margin: a backslash or a doubled quote may straddle the chunks.
        m = self._match(_STRING_BODY[quote], margin=2)
        start = self.pos
        end = m.end() if m else start
        if end >= len(self.buf) or self.buf[end] != quote:
            self._fail("a quoted value never ends")
        self.pos = end + 1
        return self.buf[start:end]
