"""The one normaliser that the index and the query share."""

from __future__ import annotations

import pytest

from summit.search_text import MAX_QUERY_WORDS, index_text, normalise, query_words, words


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Réseau AFRICAIN", "reseau africain"),
        ("Côte d’Ivoire", "cote d’ivoire"),
        ("CŒUR de l'Œuvre", "coeur de l'oeuvre"),
        ("Straße", "strasse"),
        ("Tanger-Tétouan-Al Hoceïma", "tanger-tetouan-al hoceima"),
        # Alef with hamza above, below, madda, and alef wasla: all bare alef.
        ("أحمد إطلاق آمال ٱلحكومة", "احمد اطلاق امال الحكومه"),
        # Taa marbuta and alef maqsura.
        ("الشبكة على", "الشبكه علي"),
        # Harakat (fatha, damma, kasra, shadda, sukun, tanwin) and tatweel are dropped.
        ("الشَّبَكَةُ الإِفْرِيقِيَّةُ كلٌّ", "الشبكه الافريقيه كل"),
        ("شبـــكة", "شبكه"),
        ("٢٠٢١ ۲۰۲۱", "2021 2021"),
    ],
)
def test_normalise_folds_case_accents_and_arabic_spellings(written: str, expected: str) -> None:
    assert normalise(written) == expected


def test_words_split_on_everything_but_letters_and_digits() -> None:
    assert words("e-platform, d'Ivoire; snake_case (OGP) 2021!") == [
        "e",
        "platform",
        "d",
        "ivoire",
        "snake",
        "case",
        "ogp",
        "2021",
    ]


def test_the_index_keeps_arabic_words_with_and_without_the_article() -> None:
    assert index_text("إطلاق الشبكة الإفريقية للحكومة", "والمغرب") == (
        "اطلاق الشبكه شبكه الافريقيه افريقيه للحكومه حكومه والمغرب مغرب"
    )


def test_a_query_drops_the_article_so_that_both_forms_match() -> None:
    assert query_words("الشبكة الإفريقية") == ["شبكه", "افريقيه"]
    assert query_words("شبكة") == ["شبكه"]
    # Too short to be the article and a word: kept whole.
    assert query_words("الى ال") == ["الي", "ال"]


@pytest.mark.parametrize("query", ["", "   ", "!!!", '"*"', "-- ;", "()", "ـ", "\u0651", "_"])
def test_a_query_without_letters_or_digits_has_no_words(query: str) -> None:
    assert query_words(query) == []


def test_a_query_keeps_each_word_once_and_at_most_a_dozen() -> None:
    assert query_words("Network network NETWORK") == ["network"]
    assert len(query_words(" ".join(f"w{index}" for index in range(40)))) == MAX_QUERY_WORDS
