"""Searching the published programme with the database's own full-text engine.

The query goes through the same normaliser as the index (``summit.search_text``): every word
must match, in any order, as a word or the start of one, in a title, an abstract, a name, a
delegation or a theme, in any language. Results are ranked: a match in the title counts most,
then names, then the abstract; ties go in programme order.

The user's words never become query syntax: each is made only of letters and digits, and is
quoted besides (an FTS5 string, a tsquery lexeme), and it reaches the database as a bound
parameter. A query without letters or digits finds nothing.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import Session

from summit.agenda.models import Summit
from summit.search_text import query_words

# Column weights for FTS5's bm25 (title, names, abstract): a title match outranks an abstract
# match even when the abstract repeats the word (bm25's term frequency saturates). The matches
# are ranked inside the FTS5 scan first, then joined to their published sessions (summit, start):
# joining before ranking made SQLite rank row by row through the join, ten times slower.
_SQLITE = text(
    "WITH found AS MATERIALIZED ("
    " SELECT rowid AS id, bm25(session_search_fts, 10.0, 4.0, 1.0) AS score"
    " FROM session_search_fts WHERE session_search_fts MATCH :match)"
    " SELECT found.id FROM found JOIN published_session ON published_session.id = found.id"
    " WHERE published_session.summit_id = :summit_id"
    " ORDER BY found.score, published_session.starts_at, published_session.id"
)

# ``document`` is the stored, weighted tsvector of migration 0010 (title A, names B, abstract C),
# with a GIN index. Ranked by cover density (ts_rank_cd: how many times, and how close together,
# the words are found), each found word weighing {D, C, B, A} = abstract 0.05, names 0.2,
# title 1.0: an abstract would need twenty times the words to outrank a title. (ts_rank, the
# other ranking, barely counts a prefix match: it put an abstract that mentions the words once
# above the title that is made of them.)
_POSTGRES = text(
    "SELECT session_search.id FROM session_search"
    " JOIN published_session ON published_session.id = session_search.id,"
    " to_tsquery('simple'::regconfig, :match) AS query"
    " WHERE session_search.summit_id = :summit_id AND session_search.document @@ query"
    " ORDER BY ts_rank_cd('{0.01, 0.05, 0.2, 1.0}', session_search.document, query) DESC,"
    " published_session.starts_at, published_session.id"
)


def fts5_match(words: list[str]) -> str:
    """An FTS5 query in which every word is a quoted string matched as a prefix."""
    return " AND ".join('"' + word.replace('"', '""') + '"*' for word in words)


def tsquery(words: list[str]) -> str:
    """A PostgreSQL tsquery in which every word is a quoted lexeme matched as a prefix."""
    quoted = (word.replace("\\", "\\\\").replace("'", "''") for word in words)
    return " & ".join(f"'{word}':*" for word in quoted)


def ranked_ids(db: Session, *, summit: Summit, query: str) -> list[int]:
    """The ids of the published sessions of ``summit`` that match ``query``, best first; one
    query."""
    words = query_words(query)
    if not words:
        return []
    connection = db.connection()
    if connection.dialect.name == "postgresql":
        statement, match = _POSTGRES, tsquery(words)
    else:
        statement, match = _SQLITE, fts5_match(words)
    rows = connection.execute(statement, {"match": match, "summit_id": summit.id})
    return [session_id for (session_id,) in rows]
