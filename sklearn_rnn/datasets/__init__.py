"""Dataset loaders in scikit-learn's ``fetch_*`` style."""

from ._base import get_cache_home, get_data_home
from ._fasttext import load_fasttext
from ._folders import load_text_folder, load_word_vectors
from ._imdb import fetch_imdb

__all__ = ["fetch_imdb", "get_cache_home", "get_data_home", "load_fasttext", "load_text_folder", "load_word_vectors"]
