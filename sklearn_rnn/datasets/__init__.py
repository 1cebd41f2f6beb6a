"""Dataset loaders in scikit-learn's ``fetch_*`` style."""

from ._base import get_cache_home, get_data_home
from ._fasttext import load_fasttext
from ._folders import load_text_folder
from ._imdb import fetch_imdb
from ._vectors import WORD_VECTORS, WordVectors, fetch_word_vectors, load_word_vectors, read_word_vectors

__all__ = ["WORD_VECTORS", "WordVectors", "fetch_imdb", "fetch_word_vectors", "get_cache_home", "get_data_home",
           "load_fasttext", "load_text_folder", "load_word_vectors", "read_word_vectors"]
