"""How typed text is matched (groups/text.py)."""

from groups.text import normalize, search_text, search_words


def test_normalize_ignores_case_accents_punctuation_and_spacing():
    assert normalize("  São   PAULO, Brasil! ") == "sao paulo brasil"
    assert normalize("Coeur d'Alene") == "coeur d'alene"
    assert normalize("Winston-Salem") == "winston-salem"


def test_search_text_joins_the_parts_that_exist():
    assert search_text("Clean Start", "", "Café Olé: side door") == "clean start cafe ole side door"
    assert search_text("", None) == ""


def test_search_words_split_a_query_into_normalized_words():
    assert search_words("  Clean  START ") == ["clean", "start"]
    assert search_words("¿Esperanza?") == ["esperanza"]
    assert search_words("") == search_words(None) == search_words(" !? ") == []
