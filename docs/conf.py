"""Sphinx configuration of the sklearn_rnn documentation (build: sphinx-build -W -b html docs docs/_build/html)."""

import os
from pathlib import Path

import sklearn_rnn

project = "sklearn_rnn"
release = version = sklearn_rnn.__version__
extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "numpydoc",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "auto_examples/*.ipynb", "auto_examples/*.py", "auto_examples/*.zip"]
autosummary_generate = True
numpydoc_show_class_members = False
myst_heading_anchors = 3
html_theme = "alabaster"
html_title = "sklearn_rnn"
intersphinx_mapping = {}  # no network in CI: links to other projects stay plain text
# README-relative links inside the Markdown pages; and sphinx-gallery's reset_argv, a function,
# which only means the configuration is not cached between builds.
suppress_warnings = ["myst.xref_missing", "config.cache"]
templates_path = ["_templates"]


def _imdb_available():
    home = os.environ.get("SKLEARN_RNN_DATA") or str(Path(__file__).resolve().parents[2] / "shared" / "data")
    return (Path(home) / "aclImdb_v1.tar.gz").exists()


# The gallery runs the examples whose names start with plot_, on small subsets
# (sphinx-gallery hands each script the arguments below), so that the whole
# build stays under three minutes on 2 cores. Without the IMDB archive only the
# examples that make their own data run.
_SMALL_ARGS = {"plot_imdb_quickstart.py": ["--n-train", "1000", "--n-test", "500", "--epochs", "2"],
               "plot_imdb_ratings.py": ["--n-train", "1000", "--n-test", "500", "--epochs", "2"]}


def _reset_argv(gallery_conf, script_vars):
    return _SMALL_ARGS.get(os.path.basename(script_vars["src_file"]), [])


sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_" if _imdb_available() else r"/plot_training",
    "reset_argv": _reset_argv,
    "download_all_examples": False,
    "remove_config_comments": True,
}
