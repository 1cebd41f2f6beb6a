"""``python -m sklearn_rnn``: the ``sklearn-rnn`` command line."""

from .cli import main_exit

if __name__ == "__main__":
    main_exit()
