"""The Python peer's SQLite database: WAL with synchronous=NORMAL (as StoreDesk), one connection per thread."""
import os
import sqlite3
import threading

PATH = os.environ.get("PEER_DB", "peer.sqlite")

SCHEMA = """
CREATE TABLE IF NOT EXISTS inbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    msgid TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL,
    content TEXT,
    xml TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    received_at REAL NOT NULL,
    processed_at REAL
);
CREATE INDEX IF NOT EXISTS inbox_pending ON inbox (status, id);
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    inbox_id INTEGER,
    user_id TEXT NOT NULL,
    content TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    created_at REAL NOT NULL,
    sent_at REAL
);
CREATE INDEX IF NOT EXISTS outbox_pending ON outbox (status, id);
"""

_local = threading.local()


def connect():
    """This thread's connection (autocommit: every statement outside BEGIN is its own durable transaction)."""
    conn = getattr(_local, "conn", None)
    if conn is None:
        conn = sqlite3.connect(PATH, timeout=30, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA busy_timeout=30000")
        conn.executescript(SCHEMA)
        _local.conn = conn
    return conn
