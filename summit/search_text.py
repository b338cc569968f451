"""How text becomes search words: one normaliser for the index and the query, on every database.

Both sides go through :func:`normalise`, so a word matches whatever its case, accents or
spelling variant: casefold, then NFKD and drop every combining mark (Latin accents, Arabic
harakat, hamza and madda written on alef), then the Arabic spelling rules below. The index
stores only the words this module produces, separated by spaces, so the database's own
tokenizer (SQLite FTS5's ``unicode61``, PostgreSQL's parser with the ``simple`` configuration)
finds exactly these words and nothing else: both databases see the same words.

A pure leaf module.
"""

from __future__ import annotations

import re
import unicodedata

# Letters that mean the same to a reader but are written differently. Alef with hamza or madda
# (أ إ آ) decompose under NFKD and lose their mark with the other combining marks; alef wasla
# does not decompose.
_SAME_LETTER = str.maketrans(
    {
        "\u0671": "\u0627",  # ٱ alef wasla -> ا
        "\u0629": "\u0647",  # ة taa marbuta -> ه
        "\u0649": "\u064a",  # ى alef maqsura -> ي
        "\u06cc": "\u064a",  # ی Farsi yeh -> ي
        "\u06a9": "\u0643",  # ک keheh -> ك
        "\u0640": None,  # ـ tatweel (stretches a word, means nothing)
        "œ": "oe",
        "æ": "ae",
        "ø": "o",
        "ł": "l",
        "đ": "d",
        **{chr(0x0660 + digit): str(digit) for digit in range(10)},  # Arabic-Indic digits
        **{chr(0x06F0 + digit): str(digit) for digit in range(10)},  # Eastern Arabic-Indic
    }
)

# Letters and digits; the underscore is \w to Python but a separator to both databases.
_WORD = re.compile(r"[^\W_]+")

# The article and the prepositions written onto it: "الشبكة" (the network) should be found by
# "شبكة" and the other way round. Longest first; a word keeps at least two letters.
_ARABIC_ARTICLES = ("وال", "بال", "كال", "فال", "لل", "ال")

MAX_QUERY_WORDS = 12
"""More words than this in a query are ignored (a query of 200 characters has fewer)."""


def normalise(text: str) -> str:
    """``text`` as search sees it: folded case, no accents or harakat, one spelling per letter."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return bare.translate(_SAME_LETTER)


def words(text: str) -> list[str]:
    """The normalised words of ``text``, in order."""
    return _WORD.findall(normalise(text))


def _without_article(word: str) -> str | None:
    for article in _ARABIC_ARTICLES:
        if word.startswith(article) and len(word) - len(article) >= 2:
            return word[len(article) :]
    return None


def index_text(*texts: str) -> str:
    """What the index stores for ``texts``: their words, and each Arabic word that starts with
    the article also without it, separated by spaces."""
    found: list[str] = []
    for text in texts:
        for word in words(text):
            found.append(word)
            bare = _without_article(word)
            if bare is not None:
                found.append(bare)
    return " ".join(found)


def query_words(query: str) -> list[str]:
    """The words a query looks for (each one must match, as a word or the start of one); none
    when the query has no letters or digits."""
    found: list[str] = []
    for word in words(query):
        word = _without_article(word) or word
        if word not in found:
            found.append(word)
    return found[:MAX_QUERY_WORDS]
