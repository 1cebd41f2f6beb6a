"""Turn raw documents into padded integer sequences.

:class:`SequenceVectorizer` is the scikit-learn counterpart of the Keras
``TextVectorization`` + ``pad_sequences`` step: it learns a vocabulary on the
training documents and writes each document as a fixed-length row of token
ids, ready for an embedding layer.
"""

import hashlib
import re
from array import array
from collections import OrderedDict
from collections.abc import Iterable
from numbers import Integral, Real
from typing import NamedTuple

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
from sklearn.utils.validation import check_is_fitted

from ._registry import register
from ._validation import Interval, Options, ParameterCheckMixin, check_keywords, validate_parameters
from .datasets._vectors import get_word_vectors, vectors_constraint

__all__ = ["IdSpace", "SequenceVectorizer", "TokenIds", "PAD_ID", "OOV_ID", "OOV_SIMILARITY", "MAX_LEN_CAP",
           "id_column_names", "id_space_of", "vocabulary_fingerprint", "vocabulary_of"]

PAD_ID = 0
OOV_ID = 1
#: Upper bound on ``max_len_`` when ``max_len=None``: one very long document
#: must not blow every row of the output up to its length.
MAX_LEN_CAP = 400
#: ``SequenceVectorizer(oov_vectors=...)`` maps an unknown token to its nearest vocabulary token at
#: this cosine similarity or more: on AG News with GloVe 6B 50d, 0.6 mapped 93% of the test words
#: outside the vocabulary and scored as well as mapping all (docs/word_vectors.md).
OOV_SIMILARITY = 0.6

_HTML_TAG = re.compile(r"<[^>]{0,200}>")
# Words, numbers and contractions: "i", "a", "don't", "rock'n'roll".
_DEFAULT_TOKEN_PATTERN = r"(?u)\w+(?:['’]\w+)*"
# Provisional ids are flushed into the count arrays in chunks of this size so
# that memory stays bounded by the output, not by the corpus.
_COUNT_CHUNK = 1 << 20


def vocabulary_fingerprint(tokens):
    """A short digest of a vocabulary in id order: equal digests mean equal token -> id maps.

    Examples
    --------
    >>> vocabulary_fingerprint(["good", "film"]) == vocabulary_fingerprint(["film", "good"])
    False
    """
    digest = hashlib.sha256()
    for token in tokens:
        digest.update(repr(token).encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    return digest.hexdigest()[:16]


#: How many vocabularies :func:`vocabulary_of` remembers, the most recently fitted or loaded first.
VOCABULARIES_KEPT = 16
# Fingerprint -> the tokens by id, for the vectorizers this process fitted or loaded. A fingerprint
# names one vocabulary, so what is found is always the right one; an old one may be forgotten.
_VOCABULARIES = OrderedDict()


def _remember_vocabulary(fingerprint, vocabulary):
    tokens = [None, None] + list(vocabulary)  # padding and OOV stand for no word
    for token, token_id in vocabulary.items():
        tokens[token_id] = token
    _VOCABULARIES[fingerprint] = tokens
    _VOCABULARIES.move_to_end(fingerprint)
    while len(_VOCABULARIES) > VOCABULARIES_KEPT:
        _VOCABULARIES.popitem(last=False)


def vocabulary_of(X):
    """The word behind each id of ``X`` (ids, or their :class:`IdSpace`), or None where that cannot be known.

    Ids declare their vocabulary (see :func:`id_space_of`); the words of a
    vocabulary are known for the last ``VOCABULARIES_KEPT`` (16) vectorizers
    this process fitted or loaded. What the classifiers' ``word_vectors``
    aligns its rows to.

    Returns
    -------
    tokens : list or None
        ``tokens[i]`` is the token of id ``i``; None for padding (0) and
        out-of-vocabulary (1).

    Examples
    --------
    >>> vec = SequenceVectorizer().fit(["good film", "bad film"])
    >>> vocabulary_of(vec.transform(["good"]))
    [None, None, 'film', 'bad', 'good']
    >>> vocabulary_of(np.array([[2]])) is None
    True
    """
    space = X if isinstance(X, IdSpace) else id_space_of(X)
    if space is None or space.fingerprint is None:
        return None
    tokens = _VOCABULARIES.get(space.fingerprint)
    return None if tokens is None else list(tokens)


class IdSpace(NamedTuple):
    """The id space that token ids declare: what :func:`id_space_of` reads off them.

    Attributes
    ----------
    n_tokens : int
        Size of the id space (vocabulary + padding + OOV).
    fingerprint : str or None
        :func:`vocabulary_fingerprint` of the vocabulary.
    width : int or None
        Number of columns of token ids the vectorizer wrote.
    """

    n_tokens: int
    fingerprint: object
    width: object


# The output column names of SequenceVectorizer: position, vocabulary fingerprint, size of the id
# space. A DataFrame (set_output(transform="pandas")) keeps the id space in them; a ColumnTransformer
# may prefix them with "name__".
_ID_COLUMN = re.compile(r"^(?:.*__)?position_(\d+)@([0-9a-f]{16}):(\d+)$")


def id_column_names(width, fingerprint, n_tokens):
    """The names of the ``width`` id columns of a vocabulary: ``position_{i}@{fingerprint}:{n_tokens}``.

    Examples
    --------
    >>> id_column_names(2, "0123456789abcdef", 7)
    ['position_0@0123456789abcdef:7', 'position_1@0123456789abcdef:7']
    """
    return [f"position_{i}@{fingerprint}:{n_tokens}" for i in range(width)]


def id_space_of(X):
    """The :class:`IdSpace` that ``X`` declares, or None for ids of unknown origin.

    A :class:`TokenIds` array carries it; a DataFrame made by a
    ``SequenceVectorizer`` under ``set_output(transform="pandas")`` declares it
    in its column names (:func:`id_column_names`). Then ``width`` counts the
    id columns only, so that other columns joined to them are noticed. Plain
    arrays, and DataFrames whose columns were renamed, declare nothing.

    Raises
    ------
    ValueError
        If a DataFrame's id columns are out of order or come from several
        vocabularies.

    Examples
    --------
    >>> ids = TokenIds(np.array([[0, 2]]), n_tokens=4, fingerprint="0123456789abcdef", width=2)
    >>> id_space_of(ids)
    IdSpace(n_tokens=4, fingerprint='0123456789abcdef', width=2)
    >>> id_space_of(np.array([[0, 2]])) is None
    True
    """
    if isinstance(X, TokenIds):
        return None if X.n_tokens is None else IdSpace(X.n_tokens, X.fingerprint, X.width)
    columns = getattr(X, "columns", None)
    if columns is None or not hasattr(X, "iloc"):
        return None
    matches = [_ID_COLUMN.match(str(column)) for column in columns]
    found = [m for m in matches if m is not None]
    if not found:
        return None
    spaces = {(m.group(2), int(m.group(3))) for m in found}
    if len(spaces) > 1:
        raise ValueError(f"X has id columns of {len(spaces)} vocabularies; the ids of one SequenceVectorizer "
                         "are expected.")
    if [int(m.group(1)) for m in found] != list(range(len(found))):
        raise ValueError("X's id columns are not in the order the SequenceVectorizer wrote them "
                         "(position_0, position_1, ...); reordered columns would scramble every document.")
    (fingerprint, n_tokens), = spaces
    return IdSpace(n_tokens, fingerprint, len(found))


class TokenIds(np.ndarray):
    """Token ids that remember the id space they come from.

    :meth:`SequenceVectorizer.transform` returns one. It is a plain
    ``ndarray`` (row slices and ``take`` keep the information) that also
    carries the size of the vectorizer's id space, a fingerprint of its
    vocabulary and its width. The classifiers read them to reject ids
    outside the vocabulary, columns that are not token ids (a numeric column
    joined by a ``ColumnTransformer``), and a ``warm_start`` fit on ids from
    a refitted vocabulary.

    Attributes
    ----------
    n_tokens : int
        Size of the id space (vocabulary + padding + OOV).
    fingerprint : str
        :func:`vocabulary_fingerprint` of the vocabulary.
    width : int
        Number of columns the vectorizer wrote (``max_len_``).

    Examples
    --------
    >>> ids = TokenIds(np.array([[0, 2], [3, 2]]), n_tokens=4, fingerprint="ab", width=2)
    >>> ids[1:].n_tokens, isinstance(ids, np.ndarray)
    (4, True)
    """

    def __new__(cls, ids, n_tokens, fingerprint, width):
        obj = np.asarray(ids).view(cls)
        obj.n_tokens, obj.fingerprint, obj.width = n_tokens, fingerprint, width
        return obj

    def __array_finalize__(self, obj):
        self.n_tokens = getattr(obj, "n_tokens", None)
        self.fingerprint = getattr(obj, "fingerprint", None)
        self.width = getattr(obj, "width", None)

    def __array_function__(self, func, types, args, kwargs):
        # Joined with other columns (np.hstack in a ColumnTransformer), the
        # result keeps the width of the id columns, so that the classifier
        # sees that other columns came along.
        result = super().__array_function__(func, tuple(np.ndarray if issubclass(t, TokenIds) else t
                                                        for t in types), args, kwargs)
        if func in (np.hstack, np.concatenate, np.column_stack) and isinstance(result, np.ndarray):
            arrays = args[0] if args else kwargs.get("arrays", kwargs.get("tup", ()))
            source = next((a for a in arrays if isinstance(a, TokenIds)), None)
            if source is not None:
                return TokenIds(result, source.n_tokens, source.fingerprint, source.width)
        return result

    def __reduce__(self):
        constructor, args, state = super().__reduce__()
        return constructor, args, (state, (self.n_tokens, self.fingerprint, self.width))

    def __setstate__(self, state):
        array_state, (self.n_tokens, self.fingerprint, self.width) = state
        super().__setstate__(array_state)


class _IdTable(dict):
    """A dict that gives every unseen key the next free id (C-speed hits)."""

    def __missing__(self, key):
        value = self[key] = len(self)
        return value


def _sort_key(item):
    token, count, _ = item
    return (-count, token)


@register
class SequenceVectorizer(TransformerMixin, ParameterCheckMixin, BaseEstimator):
    """Convert documents to a padded matrix of token ids.

    Index 0 is padding and index 1 marks out-of-vocabulary tokens. Known tokens
    take ids from 2 upwards, most frequent first; tokens of equal frequency are
    ordered by the token itself, so the vocabulary is deterministic.

    Parameters
    ----------
    input_type : {'text', 'tokens'}, default='text'
        ``'text'``: each document is a string that is preprocessed and
        tokenized. ``'tokens'``: each document is already a sequence of tokens
        (strings or integers, e.g. the lists of word indices returned by
        Keras's ``imdb.load_data``); preprocessing and tokenization are skipped
        and the tokens are counted as they are.
    lowercase : bool, default=True
        Convert text to lowercase before tokenizing (``input_type='text'``).
    strip_html : bool, default=True
        Replace HTML tags such as ``<br />`` by spaces before tokenizing.
    preprocessor : callable, default=None
        Called on each raw string instead of lowercasing and HTML stripping.
    tokenizer : callable, default=None
        Called on each preprocessed string; must return a list of tokens.
        Overrides ``token_pattern``.
    token_pattern : str, default=r"(?u)\\w+(?:['’]\\w+)*"
        Regular expression whose matches are the tokens. Unlike
        ``CountVectorizer`` it keeps one-letter words and contractions
        ("i", "a", "don't"). If it has one capturing group, the group is the
        token.
    stop_words : {'english'}, list or None, default=None
        Tokens removed from the documents before counting and indexing.
    max_features : int or None, default=20000
        Keep only the ``max_features`` most frequent tokens (by total count in
        the corpus). Padding and OOV are not counted. None keeps every token;
        the default keeps the models within 2 GB on IMDB (``docs/accuracy.md``).
    min_df : float in [0.0, 1.0] or int, default=1
        Ignore tokens that occur in fewer documents (an int) or in a smaller
        proportion of documents (a float).
    max_df : float in [0.0, 1.0] or int, default=1.0
        Ignore tokens that occur in more documents (int) or in a larger
        proportion of documents (float).
    max_len : int, default=None
        Length of every output row. ``None`` uses the longest document seen in
        ``fit``, capped at ``MAX_LEN_CAP`` (400) tokens (``docs/accuracy.md``: 800
        tokens bought nothing on IMDB and cost 1.2 GB more).
    padding : {'pre', 'post'}, default='pre'
        Where padding goes: ``'pre'`` puts the tokens flush right, as Keras's
        ``pad_sequences`` does.
    truncating : {'pre', 'post'}, default='pre'
        Which end of a long document is cut: ``'pre'`` drops the beginning and
        keeps the end of a long review.
    dtype : numpy integer dtype, default=np.int32
        Type of the output array.
    oov_vectors : str, path-like, WordVectors or None, default=None
        Word vectors (a name of :data:`~sklearn_rnn.datasets.WORD_VECTORS`, a
        file, or :class:`~sklearn_rnn.datasets.WordVectors`) through which a
        token outside the vocabulary takes the id of the vocabulary token
        nearest to it (cosine similarity of their vectors), instead of the
        out-of-vocabulary id, when that similarity is at least
        ``oov_similarity``. Pretrained vectors know words that the training
        text never had; this lets a model trained on that text read them as
        their neighbours. The vectors are read at each ``transform`` (the
        named ones from the cache); tokens without a vector stay
        out-of-vocabulary. None (the default) maps every unknown token to 1.
        ``docs/word_vectors.md`` has the runs.
    oov_similarity : float in [-1, 1], default={default:oov_similarity}
        The least cosine similarity at which ``oov_vectors`` maps a token.

    Attributes
    ----------
    vocabulary_ : dict
        Mapping from token to id (ids start at 2).
    max_len_ : int
        Number of columns of the output.
    n_tokens_ : int
        Size of the id space, ``len(vocabulary_) + 2``: the input size of an
        embedding layer.
    vocabulary_fingerprint_ : str
        A digest of ``vocabulary_`` in id order; the output carries it (see
        :class:`TokenIds`) so that a classifier can tell ids of another
        vocabulary apart.

    See Also
    --------
    sklearn.feature_extraction.text.CountVectorizer : bag-of-words counts.

    Examples
    --------
    >>> from sklearn_rnn import SequenceVectorizer
    >>> docs = ["An excellent movie!", "A poor, poor movie.", "Excellent"]
    >>> vec = SequenceVectorizer(max_len=4)
    >>> X = vec.fit_transform(docs)
    >>> X
    TokenIds([[0, 6, 2, 3],
              [5, 4, 4, 3],
              [0, 0, 0, 2]], dtype=int32)
    >>> X.n_tokens  # the id space travels with the ids (see TokenIds)
    7
    >>> vec.get_vocabulary()
    ['', '[UNK]', 'excellent', 'movie', 'poor', 'a', 'an']
    >>> vec.transform(["excellent unseen words"]).tolist()
    [[0, 2, 1, 1]]
    >>> vec.inverse_transform([[0, 2, 1, 3]])
    [['excellent', '[UNK]', 'movie']]
    """

    _parameter_constraints: dict = {
        "input_type": [Options({"text", "tokens"})],
        "lowercase": ["boolean"],
        "strip_html": ["boolean"],
        "preprocessor": ["callable", None],
        "tokenizer": ["callable", None],
        "token_pattern": ["str"],
        "stop_words": [Options({"english"}), "collection", None],
        "max_features": [Interval(Integral, 1, None, closed="left"), None],
        "min_df": [
            Interval(Real, 0, 1, closed="both"),
            Interval(Integral, 1, None, closed="left"),
        ],
        "max_df": [
            Interval(Real, 0, 1, closed="both"),
            Interval(Integral, 1, None, closed="left"),
        ],
        "max_len": [Interval(Integral, 1, None, closed="left"), None],
        "padding": [Options({"pre", "post"})],
        "truncating": [Options({"pre", "post"})],
        "dtype": "no_validation",
        "oov_vectors": vectors_constraint(),
        "oov_similarity": [Interval(Real, -1, 1, closed="both")],
    }

    @check_keywords
    def __init__(
        self,
        *,
        input_type="text",
        lowercase=True,
        strip_html=True,
        preprocessor=None,
        tokenizer=None,
        token_pattern=_DEFAULT_TOKEN_PATTERN,
        stop_words=None,
        max_features=20000,
        min_df=1,
        max_df=1.0,
        max_len=None,
        padding="pre",
        truncating="pre",
        dtype=np.int32,
        oov_vectors=None,
        oov_similarity=OOV_SIMILARITY,
    ):
        self.input_type = input_type
        self.lowercase = lowercase
        self.strip_html = strip_html
        self.preprocessor = preprocessor
        self.tokenizer = tokenizer
        self.token_pattern = token_pattern
        self.stop_words = stop_words
        self.max_features = max_features
        self.min_df = min_df
        self.max_df = max_df
        self.max_len = max_len
        self.padding = padding
        self.truncating = truncating
        self.dtype = dtype
        self.oov_vectors = oov_vectors
        self.oov_similarity = oov_similarity

    # ------------------------------------------------------------------ analysis
    def build_analyzer(self):
        """Return a callable mapping one document to its list of tokens.

        Returns
        -------
        analyzer : callable
            ``analyzer(doc) -> list``, with preprocessing, tokenization and
            stop-word removal applied as configured.
        """
        if self.input_type == "tokens":
            base = _check_token_doc
        else:
            base = self._build_text_analyzer()
        stop = self._stop_words()
        if not stop:
            return base
        return lambda doc: [t for t in base(doc) if t not in stop]

    def _build_text_analyzer(self):
        if self.preprocessor is not None:
            preprocess = self.preprocessor
        else:
            steps = []
            if self.strip_html:
                steps.append(lambda s: _HTML_TAG.sub(" ", s))
            if self.lowercase:
                steps.append(str.lower)

            def preprocess(doc):
                for step in steps:
                    doc = step(doc)
                return doc

        if self.tokenizer is not None:
            tokenize = self.tokenizer
        else:
            pattern = re.compile(self.token_pattern)
            if pattern.groups > 1:
                raise ValueError(
                    "token_pattern must have at most one capturing group, got "
                    f"{pattern.groups} in {self.token_pattern!r}."
                )
            tokenize = pattern.findall

        def analyze(doc):
            if not isinstance(doc, str):
                raise TypeError(_bad_item_message(doc, "a string"))
            return tokenize(preprocess(doc))

        return analyze

    def _stop_words(self):
        if self.stop_words is None:
            return frozenset()
        if self.stop_words == "english":
            return ENGLISH_STOP_WORDS
        return frozenset(self.stop_words)

    # ----------------------------------------------------------------------- fit
    def fit(self, raw_documents, y=None):
        """Learn the vocabulary and the output length.

        Parameters
        ----------
        raw_documents : iterable
            Strings (``input_type='text'``) or token sequences
            (``input_type='tokens'``): a list, numpy array or pandas Series.
        y : None
            Ignored.

        Returns
        -------
        self : SequenceVectorizer
            The fitted vectorizer.
        """
        self.fit_transform(raw_documents)
        return self

    def fit_transform(self, raw_documents, y=None):
        """Learn the vocabulary and return the padded id matrix.

        One pass over the corpus: tokens get provisional ids as they are met,
        only the part of each document that survives truncation is kept, and
        the provisional ids are remapped to frequency order at the end.

        Parameters
        ----------
        raw_documents : iterable
            Strings or token sequences, see :meth:`fit`.
        y : None
            Ignored.

        Returns
        -------
        X : TokenIds of shape (n_documents, n_positions)
            Token ids, padded with 0, ``max_len_`` columns: an ``ndarray``
            that also carries the id space (see :class:`TokenIds`).
        """
        validate_parameters(self)
        docs = _check_documents(raw_documents, self.input_type)
        _check_dtype(self.dtype)
        if not docs:
            raise ValueError("Cannot fit a SequenceVectorizer on no documents: got an empty iterable.")
        ids = self._fit_vocabulary(docs)
        # The tokens that the vocabulary leaves out map through the vectors as in transform.
        return ids if self.oov_vectors is None else self.transform(docs)

    def _fit_vocabulary(self, docs):
        min_doc, max_doc = self._df_bounds(len(docs))
        # Document frequencies cost a set per document: count them only when
        # min_df/max_df can actually drop a token.
        need_df = min_doc > 1 or max_doc < len(docs)
        analyze = self.build_analyzer()
        keep = self.max_len if self.max_len is not None else MAX_LEN_CAP

        table = _IdTable()
        counts = {"tf": np.zeros(0, dtype=np.int64), "df": np.zeros(0, dtype=np.int64)}
        buffers = {"tf": array("i"), "df": array("i")}
        kept, lengths = array("i"), np.zeros(len(docs), dtype=np.int64)
        longest = 0

        def flush():
            for name, buf in buffers.items():
                counts[name] = _add_counts(counts[name], buf, len(table))
                del buf[:]

        for i, doc in enumerate(docs):
            ids = list(map(table.__getitem__, _analyze_at(analyze, doc, i)))
            longest = max(longest, len(ids))
            buffers["tf"].extend(ids)
            if need_df:
                buffers["df"].extend(set(ids))
            part = _truncate(ids, keep, self.truncating)
            kept.extend(part)
            lengths[i] = len(part)
            if len(buffers["tf"]) > _COUNT_CHUNK:
                flush()
        flush()

        df = counts["df"] if need_df else None
        remap = self._build_vocabulary(list(table), counts["tf"], df, (min_doc, max_doc))
        self.max_len_ = int(self.max_len or max(1, min(longest, MAX_LEN_CAP)))
        return self._pad(remap[np.frombuffer(kept, dtype=np.int32)], lengths)

    def _df_bounds(self, n_docs):
        max_doc = self.max_df if isinstance(self.max_df, Integral) else self.max_df * n_docs
        min_doc = self.min_df if isinstance(self.min_df, Integral) else self.min_df * n_docs
        if max_doc < min_doc:
            raise ValueError(
                f"max_df={self.max_df!r} corresponds to < documents than "
                f"min_df={self.min_df!r}: max_df must allow at least as many "
                "documents as min_df."
            )
        return min_doc, max_doc

    def _build_vocabulary(self, tokens, tf_counts, df_counts, df_bounds):
        """Select and order the vocabulary; return provisional -> final ids."""
        if df_counts is None:
            selected = range(len(tokens))
        else:
            selected = np.flatnonzero((df_counts >= df_bounds[0]) & (df_counts <= df_bounds[1]))
        # (token, count, provisional id): tokens[j] has provisional id j.
        candidates = [(tokens[j], int(tf_counts[j]), j) for j in selected]
        try:
            candidates.sort(key=_sort_key)
        except TypeError:  # tokens of mixed types: order ties by their repr
            candidates.sort(key=lambda item: (-item[1], type(item[0]).__name__, repr(item[0])))
        if self.max_features is not None:
            candidates = candidates[: self.max_features]

        self.vocabulary_ = {tok: i + 2 for i, (tok, _, _) in enumerate(candidates)}
        self.n_tokens_ = len(self.vocabulary_) + 2
        largest = int(np.iinfo(self.dtype).max)
        if self.n_tokens_ - 1 > largest:  # a narrower dtype would wrap ids round silently
            raise ValueError(
                f"dtype={np.dtype(self.dtype).name} holds ids up to {largest}, but this vocabulary needs ids up to "
                f"{self.n_tokens_ - 1}: use a wider dtype (np.int32) or max_features <= {largest - 1}.")
        self.vocabulary_fingerprint_ = vocabulary_fingerprint(self.vocabulary_)
        _remember_vocabulary(self.vocabulary_fingerprint_, self.vocabulary_)
        remap = np.full(len(tokens), OOV_ID, dtype=np.int32)
        prov_ids = np.fromiter((j for _, _, j in candidates), dtype=np.int64, count=len(candidates))
        remap[prov_ids] = np.arange(2, len(candidates) + 2)
        return remap

    # ------------------------------------------------------------------ transform
    def transform(self, raw_documents):
        """Map documents to the padded id matrix learnt in :meth:`fit`.

        Parameters
        ----------
        raw_documents : iterable
            Strings or token sequences, see :meth:`fit`.

        Returns
        -------
        X : TokenIds of shape (n_documents, n_positions)
            Token ids in ``max_len_`` columns; unknown tokens are 1 and
            padding is 0. An ``ndarray`` that also carries the id space
            (see :class:`TokenIds`).
        """
        check_is_fitted(self, "vocabulary_")
        docs = _check_documents(raw_documents, self.input_type)
        analyze = self.build_analyzer()
        vocabulary = self.vocabulary_
        if self.oov_vectors is not None:
            vocabulary = {**vocabulary, **self._oov_neighbours(docs, analyze)}
        get = vocabulary.get
        kept, lengths = array("i"), np.zeros(len(docs), dtype=np.int64)
        for i, doc in enumerate(docs):
            tokens = _truncate(_analyze_at(analyze, doc, i), self.max_len_, self.truncating)
            kept.extend(map(get, tokens, [OOV_ID] * len(tokens)))
            lengths[i] = len(tokens)
        return self._pad(np.frombuffer(kept, dtype=np.int32), lengths)

    def _oov_neighbours(self, docs, analyze):
        """The id of the nearest vocabulary token, by ``oov_vectors``, of each token of ``docs`` outside
        the vocabulary, where the similarity reaches ``oov_similarity``."""
        unseen = set()
        for i, doc in enumerate(docs):
            tokens = _truncate(_analyze_at(analyze, doc, i), self.max_len_, self.truncating)
            unseen.update(t for t in tokens if t not in self.vocabulary_)
        if not unseen:
            return {}
        unseen = sorted(unseen, key=str)
        known = self.get_vocabulary()[2:]  # the vocabulary's tokens in id order
        words = [t for t in known + unseen if isinstance(t, str)]
        best, similarity = get_word_vectors(self.oov_vectors, words=words).nearest(unseen, known)
        return {token: self.vocabulary_[known[b]]
                for token, b, score in zip(unseen, best.tolist(), similarity.tolist())
                if b >= 0 and score >= self.oov_similarity}

    def _pad(self, flat, lengths):
        """Place the kept ids of each document in its row, padding with 0.

        A loop over rows writes straight into the output: vectorized index
        arrays would cost several times the output's memory.
        """
        width = self.max_len_
        out = TokenIds(np.zeros((len(lengths), width), dtype=self.dtype), self.n_tokens_,
                       self.vocabulary_fingerprint_, width)
        start = 0
        pre = self.padding == "pre"
        for row, length in zip(out, lengths.tolist()):
            take = min(length, width)
            if take:
                part = flat[start : start + length]
                part = part[length - take :] if self.truncating == "pre" else part[:take]
                if pre:
                    row[width - take :] = part
                else:
                    row[:take] = part
            start += length
        return out

    def inverse_transform(self, X):
        """Map id rows back to token lists, dropping padding.

        Parameters
        ----------
        X : array-like of shape (n_documents, n_positions)
            Token ids as returned by :meth:`transform`.

        Returns
        -------
        tokens : list of list
            One list of tokens per row; OOV ids give ``'[UNK]'``.
        """
        check_is_fitted(self, "vocabulary_")
        X = np.asarray(X)
        if X.ndim != 2:
            raise ValueError(f"X must be a 2-D array of token ids, got shape {X.shape}.")
        vocab = np.asarray(self.get_vocabulary(), dtype=object)
        if X.size and (X.min() < 0 or X.max() >= len(vocab)):
            raise ValueError(
                f"X holds ids outside [0, {len(vocab) - 1}], the vocabulary of this vectorizer."
            )
        return [vocab[row[row != PAD_ID]].tolist() for row in X]

    def get_vocabulary(self):
        """Return the tokens in id order, as Keras's ``TextVectorization`` does.

        Returns
        -------
        vocabulary : list
            ``''`` for padding (id 0), ``'[UNK]'`` for OOV (id 1), then the
            tokens from id 2 upwards.
        """
        check_is_fitted(self, "vocabulary_")
        return ["", "[UNK]", *self.vocabulary_]

    def get_feature_names_out(self, input_features=None):
        """Names of the output columns: one per sequence position.

        Parameters
        ----------
        input_features : None
            Ignored.

        Returns
        -------
        feature_names_out : ndarray of str
            ``position_{i}@{fingerprint}:{n_tokens}`` for ``i`` in
            ``0 .. max_len_ - 1`` (:func:`id_column_names`): a DataFrame of
            the output (``set_output(transform="pandas")``) keeps the id
            space in its column names, so the estimators can check it.
        """
        check_is_fitted(self, "max_len_")
        return np.asarray(id_column_names(self.max_len_, self.vocabulary_fingerprint_, self.n_tokens_), dtype=object)

    def __setstate__(self, state):
        # A vectorizer unpickled (joblib.load, a worker process) makes its words known as a fitted one does.
        super().__setstate__(state)
        if "vocabulary_" in state and "vocabulary_fingerprint_" in state:
            _remember_vocabulary(self.vocabulary_fingerprint_, self.vocabulary_)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.requires_fit = True
        return tags

    # ------------------------------------------------------------ persistence
    def _fitted_state(self, writer, where):
        """The vocabulary and width, for the safe model format (None when unfitted)."""
        if not hasattr(self, "vocabulary_"):
            return None
        tokens = self.get_vocabulary()[2:]
        bad = next((t for t in tokens if not isinstance(t, (str, int))), None)
        if bad is not None:
            raise TypeError(f"{where} has a token {bad!r} that is neither a string nor an int; save it with "
                            "joblib.dump instead (joblib files run code when loaded, so load only those you trust).")
        return {"vocabulary": [int(t) if isinstance(t, Integral) else t for t in tokens], "max_len_": int(self.max_len_)}

    def _restore_fitted_state(self, state, reader, where):
        tokens = state["vocabulary"]
        self.vocabulary_ = {token: i + 2 for i, token in enumerate(tokens)}
        self.n_tokens_ = len(tokens) + 2
        self.max_len_ = int(state["max_len_"])
        self.vocabulary_fingerprint_ = vocabulary_fingerprint(self.vocabulary_)
        _remember_vocabulary(self.vocabulary_fingerprint_, self.vocabulary_)


# The docstring quotes the constant, as _docs.document does for the network estimators (this module
# cannot import it without a cycle).
SequenceVectorizer.__doc__ = SequenceVectorizer.__doc__.replace("{default:oov_similarity}",
                                                                repr(OOV_SIMILARITY))


# ---------------------------------------------------------------------- helpers
def _check_documents(raw_documents, input_type):
    """Return the documents as a list, with a clear error for a bad container."""
    if isinstance(raw_documents, (str, bytes)):
        raise ValueError(
            "Iterable over raw text documents expected, a single "
            f"{type(raw_documents).__name__} object received. Wrap it in a list: [doc]."
        )
    if not isinstance(raw_documents, Iterable):
        raise TypeError(
            "raw_documents must be an iterable of documents (list, numpy array, "
            f"pandas Series), got {type(raw_documents).__name__}."
        )
    if hasattr(raw_documents, "columns") and hasattr(raw_documents, "iloc"):  # a DataFrame
        if raw_documents.shape[1] != 1:
            raise ValueError(
                "raw_documents must hold one column of documents, got a DataFrame with "
                f"{raw_documents.shape[1]} columns {list(raw_documents.columns)[:10]}; select the "
                "text column (df['text']) or use a ColumnTransformer."
            )
        raw_documents = raw_documents.iloc[:, 0]
    elif hasattr(raw_documents, "ndim") and raw_documents.ndim > 1 and input_type == "text":
        if raw_documents.ndim == 2 and raw_documents.shape[1] == 1:
            raw_documents = np.asarray(raw_documents)[:, 0]  # one column, as a ColumnTransformer passes it
        else:
            raise ValueError(
                "raw_documents must be one-dimensional (one document per item) or one column, got an "
                f"array of shape {raw_documents.shape}."
            )
    return list(raw_documents)


def _check_dtype(dtype):
    try:
        kind = np.dtype(dtype).kind
    except TypeError:
        kind = None
    if kind not in ("i", "u"):
        raise ValueError(f"dtype must be a numpy integer type such as np.int32, got {dtype!r}.")


def _bad_item_message(doc, expected):
    kind = "NaN" if isinstance(doc, float) and doc != doc else repr(doc)[:40]
    return f"each document must be {expected}, got {type(doc).__name__} ({kind})"


def _check_token_doc(doc):
    if isinstance(doc, (str, bytes)) or not isinstance(doc, Iterable):
        raise TypeError(
            _bad_item_message(doc, "a sequence of tokens")
            + " with input_type='tokens'"
        )
    return list(doc.tolist() if isinstance(doc, np.ndarray) else doc)


def _analyze_at(analyze, doc, index):
    """Analyze one document, naming its position if it is invalid."""
    try:
        return analyze(doc)
    except TypeError as exc:
        if doc is None or isinstance(doc, float) or "each document" in str(exc):
            raise TypeError(f"Document {index}: {exc}") from None
        raise


def _truncate(tokens, max_len, truncating):
    if len(tokens) <= max_len:
        return tokens
    return tokens[-max_len:] if truncating == "pre" else tokens[:max_len]


def _add_counts(counts, buffer, size):
    new = np.bincount(np.frombuffer(buffer, dtype=np.int32), minlength=size)
    if len(counts) < size:
        counts = np.concatenate([counts, np.zeros(size - len(counts), dtype=np.int64)])
    return counts + new
