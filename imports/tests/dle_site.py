"""A small DataLife Engine site for the importer's tests: its tables (as DLE's install SQL
makes them, less the columns Veche never reads) and rows, written either into a MariaDB
database or as a mysqldump file (extended INSERTs, mysqldump's escapes).

The content: Cyrillic logins and text; a quote linked to the comment it quotes (by its
author and words), one in the div-only form, one that matches nothing (kept, attributed);
smilies; a threaded discussion and a flat one; unapproved comments (held); a banned member,
an expired ban, a guest and a removed account; a vote log with a guest's vote and a vote on
one's own comment.
"""

import hashlib

SCHEMA = {
    "category": """(
  `id` mediumint(8) NOT NULL AUTO_INCREMENT, `parentid` mediumint(8) NOT NULL DEFAULT 0,
  `posi` mediumint(8) NOT NULL DEFAULT 1, `name` varchar(50) NOT NULL DEFAULT '',
  `alt_name` varchar(50) NOT NULL DEFAULT '', `descr` varchar(300) NOT NULL DEFAULT '',
  PRIMARY KEY (`id`))""",
    "comment_rating_log": """(
  `id` int(10) unsigned NOT NULL AUTO_INCREMENT, `c_id` int(11) NOT NULL DEFAULT 0,
  `member` varchar(40) NOT NULL DEFAULT '', `ip` varchar(46) NOT NULL DEFAULT '',
  `rating` tinyint(4) NOT NULL DEFAULT 0, PRIMARY KEY (`id`), KEY `c_id` (`c_id`))""",
    "comments": """(
  `id` int(10) unsigned NOT NULL AUTO_INCREMENT, `post_id` int(11) NOT NULL DEFAULT 0,
  `user_id` int(11) NOT NULL DEFAULT 0, `date` datetime NOT NULL DEFAULT '2000-01-01 00:00:00',
  `autor` varchar(40) NOT NULL DEFAULT '', `email` varchar(40) NOT NULL DEFAULT '',
  `text` text NOT NULL, `ip` varchar(46) NOT NULL DEFAULT '',
  `is_register` tinyint(1) NOT NULL DEFAULT 0, `approve` tinyint(1) NOT NULL DEFAULT 1,
  `rating` int(11) NOT NULL DEFAULT 0, `vote_num` int(11) NOT NULL DEFAULT 0,
  `parent` int(11) NOT NULL DEFAULT 0, PRIMARY KEY (`id`), KEY `post_id` (`post_id`))""",
    "logs": """(
  `id` int(10) unsigned NOT NULL AUTO_INCREMENT, `news_id` int(11) NOT NULL DEFAULT 0,
  `member` varchar(40) NOT NULL DEFAULT '', PRIMARY KEY (`id`))""",
    "post": """(
  `id` int(11) NOT NULL AUTO_INCREMENT, `autor` varchar(40) NOT NULL DEFAULT '',
  `date` datetime NOT NULL DEFAULT '2000-01-01 00:00:00', `short_story` mediumtext NOT NULL,
  `full_story` mediumtext NOT NULL, `xfields` mediumtext NOT NULL,
  `title` varchar(255) NOT NULL DEFAULT '', `descr` varchar(300) NOT NULL DEFAULT '',
  `category` varchar(190) NOT NULL DEFAULT '0', `alt_name` varchar(190) NOT NULL DEFAULT '',
  `comm_num` mediumint(8) unsigned NOT NULL DEFAULT 0, `allow_comm` tinyint(1) NOT NULL DEFAULT 1,
  `allow_main` tinyint(1) unsigned NOT NULL DEFAULT 1, `approve` tinyint(1) NOT NULL DEFAULT 0,
  `fixed` tinyint(1) NOT NULL DEFAULT 0, `allow_br` tinyint(1) NOT NULL DEFAULT 1,
  `tags` varchar(255) NOT NULL DEFAULT '', PRIMARY KEY (`id`))""",
    "post_extras": """(
  `eid` int(11) NOT NULL AUTO_INCREMENT, `news_id` int(11) NOT NULL DEFAULT 0,
  `news_read` int(11) NOT NULL DEFAULT 0, `allow_rate` tinyint(1) NOT NULL DEFAULT 1,
  `user_id` int(11) NOT NULL DEFAULT 0, PRIMARY KEY (`eid`), KEY `news_id` (`news_id`))""",
    "banned": """(
  `id` smallint(5) NOT NULL AUTO_INCREMENT, `users_id` int(11) NOT NULL DEFAULT 0,
  `descr` text NOT NULL, `date` varchar(15) NOT NULL DEFAULT '', `days` smallint(4) NOT NULL DEFAULT 0,
  `ip` varchar(46) NOT NULL DEFAULT '', PRIMARY KEY (`id`))""",
    "usergroups": """(
  `id` smallint(5) NOT NULL AUTO_INCREMENT, `group_name` varchar(50) NOT NULL DEFAULT '',
  `allow_admin` tinyint(1) NOT NULL DEFAULT 0, `allow_editc` tinyint(1) NOT NULL DEFAULT 0,
  `allow_delc` tinyint(1) NOT NULL DEFAULT 0, `edit_allc` tinyint(1) NOT NULL DEFAULT 0,
  `del_allc` tinyint(1) NOT NULL DEFAULT 0, PRIMARY KEY (`id`))""",
    "users": """(
  `email` varchar(50) NOT NULL DEFAULT '', `password` varchar(255) NOT NULL DEFAULT '',
  `name` varchar(40) NOT NULL DEFAULT '', `user_id` int(11) NOT NULL AUTO_INCREMENT,
  `news_num` mediumint(8) NOT NULL DEFAULT 0, `comm_num` mediumint(8) NOT NULL DEFAULT 0,
  `user_group` smallint(5) NOT NULL DEFAULT 4, `lastdate` varchar(20) NOT NULL DEFAULT '',
  `reg_date` varchar(20) NOT NULL DEFAULT '', `banned` varchar(5) NOT NULL DEFAULT '',
  `info` text NOT NULL, `signature` text NOT NULL, `foto` varchar(255) NOT NULL DEFAULT '',
  `fullname` varchar(100) NOT NULL DEFAULT '', `land` varchar(100) NOT NULL DEFAULT '',
  PRIMARY KEY (`user_id`), UNIQUE KEY `name` (`name`))""",
}


def dle_password(password: str) -> str:
    """DLE's old hash: md5(md5(password)), unsalted. Veche must never keep it."""
    return hashlib.md5(hashlib.md5(password.encode()).hexdigest().encode()).hexdigest()  # noqa: S324


def _user(uid, name, group, email, *, banned="", info="", fullname="", reg=1262304000, last=1622800000):
    return {"email": email, "password": dle_password(f"secret-{uid}"), "name": name, "user_id": uid,
            "news_num": 0, "comm_num": 0, "user_group": group, "lastdate": str(last), "reg_date": str(reg),
            "banned": banned, "info": info, "signature": "<b>подпись</b>",
            "foto": f"http://old.example.ru/uploads/fotos/{uid}.jpg", "fullname": fullname, "land": "Россия"}


SMILE = ('<!--smile:{0}--><img alt="{0}" class="emoji" src="http://old.example.ru/engine/data/'
         'emoticons/{0}.png" /><!--/smile-->')
QUOTE = ('<!--QuoteBegin {0} --><div class="title_quote">Цитата: {0}</div><div class="quote">'
         '<!--QuoteEBegin-->{1}<!--QuoteEnd--></div><!--QuoteEEnd-->')
ARTICLE = ("<p>Как известно, не так давно утихла вторая война за Нагорный Карабах.</p>"
           "<p>Армянская сторона располагает <b>картой</b>, утверждённой союзным центром "
           '(<a href="/uploads/posts/2021-05/map.jpg">карта</a>).</p>'
           + QUOTE.format("Пашинян", "Граница проходит здесь, и это видно на карте.")
           + "<h2>Что дальше</h2><ul><li>переговоры</li><li>миротворцы</li></ul>")


def rows() -> dict[str, list[dict]]:
    c = "comments"
    comment = {"ip": "10.0.0.1", "is_register": 1, "approve": 1, "rating": 0, "vote_num": 0, "parent": 0,
               "email": ""}
    return {
        "category": [
            {"id": 1, "parentid": 0, "posi": 1, "name": "Политика", "alt_name": "politics", "descr": ""},
            {"id": 2, "parentid": 0, "posi": 2, "name": "Общество &amp; люди", "alt_name": "society",
             "descr": ""},
        ],
        "usergroups": [
            {"id": i, "group_name": n, "allow_admin": a, "allow_editc": 1, "allow_delc": 1,
             "edit_allc": e, "del_allc": d}
            for i, n, a, e, d in [(1, "Администраторы", 1, 1, 1), (2, "Главные редакторы", 1, 1, 0),
                                  (3, "Журналисты", 1, 0, 0), (4, "Посетители", 0, 0, 0),
                                  (5, "Гости", 0, 0, 0), (6, "Модераторы", 0, 1, 1)]
        ],
        "users": [
            _user(1, "Админ", 1, "admin@old.example.ru", fullname="Иван Петров"),
            _user(2, "Главред", 2, "chief@old.example.ru", fullname="Анна Смирнова"),
            _user(3, "Модератор Оля", 6, "olga@old.example.ru"),
            _user(4, "Бахт", 4, "bakht@old.example.ru", fullname="Бахтияр",
                  info="Живу в Ереване<br />Люблю <b>горы</b>"),
            _user(5, "steelmaker", 4, "steel@old.example.ru", reg=1300000000),
            _user(6, "Спамер", 4, "spam@old.example.ru", banned="yes"),
            _user(7, "Тролль", 4, "troll@old.example.ru", banned="yes"),
            _user(8, "Журналист", 3, "not-an-address", fullname="Пётр"),
        ],
        "banned": [
            {"id": 1, "users_id": 6, "descr": "Реклама казино", "date": "0", "days": 0, "ip": ""},
            {"id": 2, "users_id": 7, "descr": "Оскорбления", "date": "1300000000", "days": 7, "ip": ""},
            {"id": 3, "users_id": 0, "descr": "IP ban", "date": "0", "days": 0, "ip": "10.9.9.9"},
        ],
        "post": [
            {"id": 1, "autor": "Главред", "date": "2021-05-14 10:00:00",
             "short_story": "Как известно, <b>не так давно</b> утихла война.", "full_story": ARTICLE,
             "xfields": "", "title": "Новый акт агрессии: только Москва может остановить Баку",
             "descr": "", "category": "1,2", "alt_name": "novyj-akt-agressii", "comm_num": 7,
             "allow_comm": 1, "allow_main": 1, "approve": 1, "fixed": 0, "allow_br": 1,
             "tags": "Армения, Азербайджан, Карабах"},
            {"id": 2, "autor": "Журналист", "date": "2021-06-01 09:30:00",
             "short_story": "<p>Мост через Дон откроют осенью.</p>", "full_story": "", "xfields": "",
             "title": "Открытие моста &quot;Дон&quot;", "descr": "", "category": "2", "alt_name": "",
             "comm_num": 0, "allow_comm": 0, "allow_main": 1, "approve": 1, "fixed": 0, "allow_br": 1,
             "tags": ""},
            {"id": 3, "autor": "Главред", "date": "2021-06-02 12:00:00", "short_story": "",
             "full_story": '[spoiler=Подробности]Бюджет [b]урезан[/b][/spoiler]', "xfields": "",
             "title": "Черновик: бюджет", "descr": "", "category": "9", "alt_name": "budget-draft",
             "comm_num": 2, "allow_comm": 1, "allow_main": 1, "approve": 0, "fixed": 0, "allow_br": 1,
             "tags": "бюджет"},
        ],
        "post_extras": [
            {"eid": 1, "news_id": 1, "news_read": 1543, "allow_rate": 1, "user_id": 2},
            {"eid": 2, "news_id": 2, "news_read": 87, "allow_rate": 1, "user_id": 8},
        ],
        c: [
            {**comment, "id": 101, "post_id": 1, "user_id": 4, "date": "2021-05-14 13:49:00", "autor": "Бахт",
             "text": "Только Москва может остановить Баку. " + SMILE.format("wink")},
            {**comment, "id": 102, "post_id": 1, "user_id": 5, "date": "2021-05-14 14:05:00",
             "autor": "steelmaker", "parent": 101,
             "text": QUOTE.format("Бахт", "Только Москва может остановить Баку.")
             + "Москва далеко, а Баку рядом. " + SMILE.format("winked")},
            {**comment, "id": 103, "post_id": 1, "user_id": 0, "date": "2021-05-14 15:00:00",
             "autor": "Гость Вася", "email": "vasya@mail.example", "is_register": 0,
             "text": "Всё это уже было в 1990-м " + SMILE.format("sad")},
            {**comment, "id": 104, "post_id": 1, "user_id": 42, "date": "2021-05-15 08:00:00",
             "autor": "Ушедший", "parent": 102,
             "text": "[quote=steelmaker]Этого никто не говорил[/quote]Неправда! [hide]ссылка для своих[/hide]"},
            {**comment, "id": 105, "post_id": 1, "user_id": 6, "date": "2021-05-15 09:00:00",
             "autor": "Спамер", "approve": 0,
             "text": 'Лучшее казино <a href="http://casino.example/">тут</a>'},
            {**comment, "id": 106, "post_id": 1, "user_id": 3, "date": "2021-05-15 10:00:00",
             "autor": "Модератор Оля",
             "text": 'Напоминаю правила: "без оскорблений".\nИ никаких \\ ссылок, it\'s простое правило.'},
            {**comment, "id": 107, "post_id": 1, "user_id": 2, "date": "2021-05-15 11:00:00", "autor": "Главред",
             "text": '<div class="title_quote">Цитата: Гость Вася</div><div class="quote">Всё это уже было '
                     "в 1990-м</div>Было, но не так."},
            {**comment, "id": 108, "post_id": 1, "user_id": 7, "date": "2021-05-16 07:00:00",
             "autor": "Тролль", "text": "Первый!"},
            {**comment, "id": 301, "post_id": 3, "user_id": 5, "date": "2021-06-02 13:00:00",
             "autor": "steelmaker", "approve": 0, "text": "Урезали опять."},
            {**comment, "id": 302, "post_id": 3, "user_id": 1, "date": "2021-06-02 13:30:00",
             "autor": "Админ", "text": "Черновик, не обсуждаем."},
            {**comment, "id": 901, "post_id": 99, "user_id": 4, "date": "2020-01-01 00:00:00",
             "autor": "Бахт", "text": "Новость давно удалена"},
        ],
        "comment_rating_log": [
            {"id": i, "c_id": cid, "member": who, "ip": "10.0.0.2", "rating": r}
            for i, (cid, who, r) in enumerate([(101, "steelmaker", 1), (101, "Главред", 1),
                                               (102, "Бахт", -1), (101, "noname", 1),
                                               (101, "Бахт", 1), (105, "Главред", -1),
                                               (101, "Никто", 1)], start=1)
        ],
        "logs": [{"id": 1, "news_id": 1, "member": "Админ"}],
    }


# --- mysqldump ----------------------------------------------------------------------------

_ESCAPES = {"\\": "\\\\", "\x00": "\\0", "\n": "\\n", "\r": "\\r", "'": "\\'", '"': '\\"', "\x1a": "\\Z"}
NET_BUFFER = 400  # characters per INSERT before mysqldump starts another (tiny: several per table)


def sql_value(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, int):
        return str(value)
    return "'" + "".join(_ESCAPES.get(ch, ch) for ch in str(value)) + "'"


def columns(table: str) -> list[str]:
    return [line.strip().split("`")[1] for line in SCHEMA[table].replace(", `", ",\n`").splitlines()
            if line.strip().startswith("`")]


def write_dump(path, data: dict[str, list[dict]] | None = None, prefix: str = "dle_") -> None:
    """The site as `mysqldump --extended-insert` writes it: tables in alphabetical order."""
    data = rows() if data is None else data
    out = ["-- MariaDB dump 10.19  Distrib 10.11.19-MariaDB, for debian-linux-gnu (x86_64)", "--",
           "-- Host: localhost    Database: dle", "-- " + "-" * 54, "",
           "/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;",
           "/*!40101 SET NAMES utf8mb4 */;", "/*!40103 SET TIME_ZONE='+00:00' */;",
           "/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;", ""]
    for table in sorted(SCHEMA):
        name = prefix + table
        out += ["--", f"-- Table structure for table `{name}`", "--", "",
                f"DROP TABLE IF EXISTS `{name}`;",
                "/*!40101 SET @saved_cs_client     = @@character_set_client */;",
                f"CREATE TABLE `{name}` {_create_body(table)} ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 "
                "COLLATE=utf8mb4_general_ci;",
                "/*!40101 SET character_set_client = @saved_cs_client */;", "",
                "--", f"-- Dumping data for table `{name}`", "--", "",
                f"LOCK TABLES `{name}` WRITE;", f"/*!40000 ALTER TABLE `{name}` DISABLE KEYS */;"]
        statement: list[str] = []
        for row in data.get(table, []):
            statement.append("(" + ",".join(sql_value(row[c]) for c in columns(table)) + ")")
            if sum(map(len, statement)) > NET_BUFFER:
                out.append(f"INSERT INTO `{name}` VALUES " + ",".join(statement) + ";")
                statement = []
        if statement:
            out.append(f"INSERT INTO `{name}` VALUES " + ",".join(statement) + ";")
        out += [f"/*!40000 ALTER TABLE `{name}` ENABLE KEYS */;", "UNLOCK TABLES;", ""]
    out += ["/*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;", "",
            "-- Dump completed on 2021-06-05 10:00:00", ""]
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write("\n".join(out))


def _create_body(table: str) -> str:
    parts = SCHEMA[table].strip()[1:-1].replace(", `", ",\n  `").replace(", PRIMARY", ",\n  PRIMARY")
    parts = parts.replace(", KEY", ",\n  KEY").replace(", UNIQUE", ",\n  UNIQUE")
    return "(\n  " + parts.strip() + "\n)"


# --- MariaDB ------------------------------------------------------------------------------

def create_database(conn, database: str, data: dict[str, list[dict]] | None = None,
                    prefix: str = "dle_") -> None:
    data = rows() if data is None else data
    with conn.cursor() as cur:
        cur.execute(f"CREATE DATABASE `{database}` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci")
        cur.execute(f"USE `{database}`")
        for table in sorted(SCHEMA):
            cur.execute(f"CREATE TABLE `{prefix}{table}` {SCHEMA[table]} DEFAULT CHARSET=utf8mb4")
            cols = columns(table)
            if data.get(table):
                cur.executemany(
                    f"INSERT INTO `{prefix}{table}` ({', '.join(f'`{c}`' for c in cols)}) "
                    f"VALUES ({', '.join(['%s'] * len(cols))})",
                    [tuple(row[c] for c in cols) for row in data[table]])
    conn.commit()
