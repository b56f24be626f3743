"""The mysqldump reader: MySQL's escapes and literals, many rows per INSERT, statements it must
step over, and rows cut anywhere by the chunks it reads."""

import pytest

from imports.dle.sqldump import DumpReader, dump_encoding, table_columns, unescape
from imports.errors import ImportFormatError

DUMP = r"""-- MySQL dump 10.13  Distrib 8.0.36
/*!40101 SET NAMES utf8mb4 */;
/* a comment; with 'quotes' */
# another comment
DROP TABLE IF EXISTS `t`;
CREATE TABLE `t` (
  `id` int NOT NULL,
  `we``ird` text,
  `body` text,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB COMMENT='it''s; a table';
LOCK TABLES `t` WRITE;
INSERT INTO `t` VALUES (1,'a','it\'s \"q\" \\ back\nnew\r\tline\0nul\Zend'),(2,NULL,'doubled '' quote; and a ) paren'),
(3,_binary 'bin',0x4869),(4,-1.5e3,X'4f6b'),(5,b'101',_utf8mb4'Привет');
INSERT INTO `skipped` VALUES (1,'x;y'),(2,'z');
INSERT IGNORE INTO db.`t` (`body`,`id`,`we``ird`) VALUES ('cols', 6, 'named');
REPLACE INTO t VALUES (7,"double \"quoted\"",'');
UNLOCK TABLES;
DELIMITER ;;
/*!50003 CREATE*/ /*!50003 TRIGGER trg BEFORE INSERT ON `t` FOR EACH ROW BEGIN
  INSERT INTO t VALUES (99,'from a trigger','');
END */;;
DELIMITER ;
INSERT INTO `t` VALUES (8,'after the trigger','end');
"""


def _rows(tmp_path, text=DUMP, tables=("t",), chunk=1 << 20, encoding="utf-8"):
    path = tmp_path / "dump.sql"
    path.write_bytes(text.encode(encoding))
    reader = DumpReader(path, set(tables), chunk=chunk)
    return [(table, row, line) for table, row, line in reader.rows()], reader


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 64, 1 << 20])
def test_rows_whatever_the_chunks(tmp_path, chunk):
    rows, reader = _rows(tmp_path, chunk=chunk)
    assert reader.columns["t"] == ["id", "we`ird", "body"]
    assert [r for _t, r, _l in rows] == [
        {"id": "1", "we`ird": "a", "body": "it's \"q\" \\ back\nnew\r\tline\x00nul\x1aend"},
        {"id": "2", "we`ird": None, "body": "doubled ' quote; and a ) paren"},
        {"id": "3", "we`ird": "bin", "body": "Hi"},
        {"id": "4", "we`ird": "-1.5e3", "body": "Ok"},
        {"id": "5", "we`ird": "5", "body": "Привет"},
        {"id": "6", "we`ird": "named", "body": "cols"},
        {"id": "7", "we`ird": 'double "quoted"', "body": ""},
        {"id": "8", "we`ird": "after the trigger", "body": "end"},
    ]
    assert [line for *_, line in rows] == [13, 13, 13, 13, 13, 16, 17, 24]
    assert reader.all_tables == {"t", "skipped"}


def test_unescape():
    assert unescape(r"a\'b\"c\\d\ne\%f\_g\xh''i") == "a'b\"c\\d\ne\\%f\\_gxh'i"
    assert unescape("plain") == "plain"


def test_the_encoding_it_declares(tmp_path):
    path = tmp_path / "d.sql"
    path.write_bytes(b"/*!40101 SET NAMES cp1251 */;\n")
    assert dump_encoding(path) == "cp1251"
    path.write_bytes(b"-- nothing said\n")
    assert dump_encoding(path) == "utf-8"
    rows, _ = _rows(tmp_path, "SET NAMES cp1251;\nCREATE TABLE t (`id` int, `s` text);\n"
                              "INSERT INTO t VALUES (1,'Привет');", encoding="cp1251")
    assert rows[0][1]["s"] == "Привет"


@pytest.mark.parametrize(("text", "message"), [
    ("INSERT INTO `t` VALUES (1,'never ends);", r"line 2: .*a quoted value never ends"),
    ("\n\nINSERT INTO `t` VALUES (1,'a'),(2 'c');", r"line 4: .*table t, row 2 of the INSERT: “,” or “\)”"),
    ("INSERT INTO `t` VALUES (1,'a',3);", r"line 2: .*row 1 of the INSERT \(first value '1'\): 3 values for 2 "),
    ("INSERT INTO `t` SELECT * FROM u;", r"only INSERT … VALUES is read"),
    ("INSERT INTO `t` VALUES (1,@var);", r"a value cannot be read at '@var\);'"),
    ("/* never closed", r"“\*/” never comes"),
])
def test_malformed_dumps_are_refused_with_their_line(tmp_path, text, message):
    with pytest.raises(ImportFormatError, match=message):
        _rows(tmp_path, "CREATE TABLE t (id int NOT NULL, s varchar(10) DEFAULT 'a,b');\n" + text)


def test_rows_of_a_table_never_defined_are_refused(tmp_path):
    with pytest.raises(ImportFormatError, match="names no columns and no CREATE TABLE"):
        _rows(tmp_path, "INSERT INTO `t` VALUES (1,'a');")


def test_table_definitions_of_every_style():
    assert table_columns("(\n  id INT(10) UNSIGNED NOT NULL,\n  member VARCHAR(40) DEFAULT 'a,(b',\n"
                         "  PRIMARY KEY (id),\n  INDEX c_id (c_id, member)\n) ENGINE = MYISAM") == ["id", "member"]
    assert table_columns("(`id` int, `key` text, KEY `k` (`key`), CONSTRAINT x CHECK (id > 0))") == ["id", "key"]


def test_other_tables_are_stepped_over_unread(tmp_path):
    text = "INSERT INTO `huge` VALUES (1,'a;b'),(2,'\\';');\nCREATE TABLE t (`id` int);\nINSERT INTO t VALUES (1);"
    rows, reader = _rows(tmp_path, text)
    assert [r for _t, r, _l in rows] == [{"id": "1"}] and "huge" not in reader.columns


def test_the_reader_holds_a_chunk_and_a_row_never_the_file(tmp_path):
    from imports.dle.generate import generate_dle_dump

    path = tmp_path / "big.sql"
    generate_dle_dump(path, 3000, seed=3)
    sizes = []

    class Watched(DumpReader):
        def _fill(self, at_least=None):
            more = super()._fill(at_least)
            sizes.append(len(self.buf))
            return more

    reader = Watched(path, {"dle_comments"}, chunk=4096)
    assert sum(1 for _ in reader.rows()) == 3000
    assert path.stat().st_size > 100 * 4096 and max(sizes) < 4 * 4096
