"""Keras 2's keras.preprocessing.text against tf-keras (fixtures/text.json): Tokenizer in every mode,
text_to_word_sequence, hashing_trick; JSON round trips and clear errors for non-strings."""
import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from text_fixtures import TEXT_FACTS  # noqa: E402

from minikeras.preprocessing import text  # noqa: E402
from minikeras.preprocessing.text import Tokenizer, tokenizer_from_json  # noqa: E402

CORPUS = TEXT_FACTS["corpus"]
CASES = TEXT_FACTS["keras2_text"]
UNSEEN = ["the unknown cat", "dog dog dog mat", "zebra"]
TOKENIZERS = sorted(name for name in CASES if name.startswith("tokenizer_") and "kwargs" in CASES[name])


def test_text_to_word_sequence_matches_keras2():
    assert [text.text_to_word_sequence(t) for t in CORPUS] == CASES["text_to_word_sequence"]
    assert [text.text_to_word_sequence(t, lower=False, filters=".,") for t in CORPUS] == \
        CASES["text_to_word_sequence_keep_case"]


def test_hashing_trick_md5_matches_keras2():
    assert [text.hashing_trick(t, 50, hash_function="md5") for t in CORPUS] == CASES["hashing_trick_md5"]


def test_one_hot_gives_indices_in_range_and_equal_words_equal_indices():
    indices = text.one_hot("b a b c", 7)
    assert all(1 <= i < 7 for i in indices)
    assert indices[0] == indices[2]


@pytest.mark.parametrize("name", TOKENIZERS)
def test_tokenizer_matches_keras2(name):
    case = CASES[name]
    tokenizer = Tokenizer(**case["kwargs"])
    tokenizer.fit_on_texts(CORPUS)
    assert tokenizer.word_index == case["word_index"]
    assert list(tokenizer.word_index) == list(case["word_index"])
    assert dict(tokenizer.word_counts) == case["word_counts"]
    assert dict(tokenizer.word_docs) == case["word_docs"]
    assert {str(k): v for k, v in tokenizer.index_docs.items()} == case["index_docs"]
    assert tokenizer.document_count == case["document_count"]
    sequences = tokenizer.texts_to_sequences(CORPUS + UNSEEN)
    assert sequences == case["sequences"]
    assert tokenizer.sequences_to_texts(sequences) == case["texts"]


@pytest.mark.parametrize("mode", ["binary", "count", "tfidf", "freq"])
@pytest.mark.parametrize("name", TOKENIZERS)
def test_texts_to_matrix_matches_keras2(name, mode):
    case = CASES[name]
    tokenizer = Tokenizer(**case["kwargs"])
    tokenizer.fit_on_texts(CORPUS)
    np.testing.assert_allclose(tokenizer.texts_to_matrix(CORPUS + UNSEEN, mode=mode), case[f"matrix_{mode}"],
                               rtol=1e-12)


@pytest.mark.parametrize("name", TOKENIZERS)
def test_tokenizer_reads_keras2_json_and_round_trips(name):
    case = CASES[name]
    from_keras = tokenizer_from_json(case["json"])
    assert from_keras.texts_to_sequences(CORPUS + UNSEEN) == case["sequences"]
    again = tokenizer_from_json(from_keras.to_json())
    assert again.word_index == case["word_index"]
    np.testing.assert_allclose(again.texts_to_matrix(CORPUS, mode="tfidf"),
                               np.asarray(case["matrix_tfidf"])[:len(CORPUS)], rtol=1e-12)


def test_tokenizer_takes_lists_of_tokens_like_keras2():
    tokenizer = Tokenizer()
    tokenizer.fit_on_texts([["Hello", "world"], ["hello", "again"]])
    assert tokenizer.word_index == CASES["tokenizer_token_lists"]["word_index"]


@pytest.mark.parametrize("bad", [[1, 2], [None], [b"bytes"], [["ok", 3]]])
def test_tokenizer_fed_non_strings_says_so(bad):
    tokenizer = Tokenizer()
    with pytest.raises(TypeError, match="Tokenizer.fit_on_texts: expected a string"):
        tokenizer.fit_on_texts(bad)
    assert tokenizer.document_count == 0 and tokenizer.word_index == {}


def test_tokenizer_fed_one_string_asks_for_a_list():
    with pytest.raises(TypeError, match="wrap it in a list"):
        Tokenizer().fit_on_texts("just one text")


def test_matrix_needs_a_width_and_tfidf_needs_counts():
    with pytest.raises(ValueError, match="num_words"):
        Tokenizer().sequences_to_matrix([[1, 2]])
    with pytest.raises(ValueError, match="tfidf"):
        Tokenizer(num_words=5).sequences_to_matrix([[1, 2]], mode="tfidf")
    with pytest.raises(ValueError, match="mode must be one of"):
        Tokenizer(num_words=5).sequences_to_matrix([[1, 2]], mode="onehot")


def test_bad_arguments_are_clear():
    with pytest.raises(TypeError, match="text_to_word_sequence"):
        text.text_to_word_sequence(3)
    with pytest.raises(ValueError, match="n .* must be an integer >= 2"):
        text.hashing_trick("a b", 1)
    with pytest.raises(TypeError, match="unexpected keyword"):
        Tokenizer(num_word=3)
    with pytest.raises(ValueError, match="tokenizer_from_json"):
        tokenizer_from_json('{"class_name": "Tokenizer"}')


def test_nb_words_is_keras1_num_words():
    with pytest.warns(Warning):
        tokenizer = Tokenizer(nb_words=4)
    assert tokenizer.num_words == 4


def test_one_hot_matches_keras2_with_the_same_hash_seed():
    import json
    import subprocess
    script = ("import json, sys; from minikeras.preprocessing.text import one_hot; "
              "print(json.dumps([one_hot(t, 50) for t in json.loads(sys.argv[1])]))")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONPATH": root}
    output = subprocess.run([sys.executable, "-c", script, json.dumps(CORPUS)], capture_output=True, text=True,
                            env=env, check=True).stdout
    assert json.loads(output.strip().splitlines()[-1]) == CASES["one_hot_hashseed_0"]
