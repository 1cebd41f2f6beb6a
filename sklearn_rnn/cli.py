"""The ``sklearn-rnn`` command line: demo, train, predict, evaluate and search.

Every command builds the same ``make_pipeline(SequenceVectorizer(...),
Classifier(...))`` as the Python API, so ``--param`` values get the same
validation, and models are written and read with :func:`sklearn_rnn.save` and
:func:`sklearn_rnn.load` (safetensors and JSON, never pickle). A model
directory holds ``model.safetensors`` and a ``training.json`` summary.

Errors print one line, ``sklearn-rnn: error: ...``, and exit with status 1
(2 for a malformed command line, as argparse does); no traceback is shown.
Run ``sklearn-rnn COMMAND --help`` for each command's options and an example.
"""

import argparse
import contextlib
import csv
import io
import json
import sys
import time
from pathlib import Path

import numpy as np

__all__ = ["main", "main_exit"]

MODEL_FILE = "model.safetensors"
SUMMARY_FILE = "training.json"
#: ``--model`` names: the final step of the pipeline each one builds.
MODELS = {"recurrent": "RecurrentTextClassifier", "feedforward": "FeedForwardTextClassifier",
          "conv": "ConvTextClassifier", "linear": "NgramLogisticClassifier", "blend": "BlendedTextClassifier"}
#: The final step of each ``--model`` for ``--task regression``.
REGRESSORS = {"recurrent": "RecurrentTextRegressor", "feedforward": "FeedForwardTextRegressor",
              "conv": "ConvTextRegressor"}
DEMO_SENTENCES = ("A moving, beautifully acted film; I loved every minute of it.",
                  "Dull, predictable and far too long. A waste of two hours.")


class CommandError(Exception):
    """An error the command line reports as one line."""


# --------------------------------------------------------------------- values
def parse_value(text):
    """A ``--param`` value: JSON when it parses, a tuple for ``a,b``, else a string.

    ``none``/``None``, ``true``/``True`` and ``false``/``False`` are accepted
    in either spelling.

    Examples
    --------
    >>> parse_value("64,32"), parse_value("0.5"), parse_value("gru"), parse_value("None")
    ((64, 32), 0.5, 'gru', None)
    """
    words = {"none": None, "true": True, "false": False}
    if text.lower() in words:
        return words[text.lower()]
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        if "," in text and not text.lstrip().startswith(("[", "{")):
            return tuple(parse_value(part.strip()) for part in text.split(","))
        return text
    return tuple(value) if isinstance(value, list) else value


def parse_params(pairs):
    """``["name=value", ...]`` as a dict, each value through :func:`parse_value`."""
    params = {}
    for pair in pairs or ():
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise CommandError(f"--param {pair!r} is not of the form name=value (for example cell=gru).")
        params[name.strip()] = parse_value(value)
    return params


def _final_step(model, task="classification"):
    """A new final step of ``model``: a blend composes a recurrent network and the linear model."""
    import sklearn_rnn

    if task == "regression":
        if model not in REGRESSORS:
            raise CommandError(f"--model {model} has no regressor; for --task regression use one of "
                               f"{sorted(REGRESSORS)}.")
        return getattr(sklearn_rnn, REGRESSORS[model])()
    if model == "blend":
        return sklearn_rnn.BlendedTextClassifier(network=sklearn_rnn.RecurrentTextClassifier(),
                                                 linear=sklearn_rnn.NgramLogisticClassifier())
    return getattr(sklearn_rnn, MODELS[model])()


def _step_names(estimator):
    """Each settable name of ``estimator`` (its own, then its parts' without their prefix) -> its full name."""
    names = {}
    for full in estimator.get_params(deep=True):
        names.setdefault(full.rsplit("__", 1)[-1], full)
    names.update({name: name for name in estimator.get_params(deep=False)})
    return names


def build_pipeline(model="recurrent", params=None, task="classification"):
    """The pipeline of ``model`` with ``params`` given to the step that has each.

    A name of the final step's parts (``cell`` of a blend's network, say) may
    be given without its prefix; ``network__cell`` works too. A parameter
    named nowhere raises the same error as the Python API, naming the
    parameter probably meant.
    """
    import sklearn_rnn
    from sklearn.pipeline import make_pipeline

    from ._validation import InvalidParameterError, unknown_parameter_message

    final = _final_step(model, task)
    vectorizer_names = set(sklearn_rnn.SequenceVectorizer._get_param_names())
    final_names = _step_names(final)
    vec, clf = {}, {}
    for name, value in (params or {}).items():
        if name in final_names or name in final.get_params(deep=True):
            clf[final_names.get(name, name)] = value
        elif name in vectorizer_names:
            vec[name] = value
        else:
            raise InvalidParameterError(unknown_parameter_message(
                type(final), name, sorted(vectorizer_names | set(final_names))))
    return make_pipeline(sklearn_rnn.SequenceVectorizer(**vec), final.set_params(**clf))


# ----------------------------------------------------------------------- data
def load_data(spec, *, split="train", text_column=None, label_column=None, n_samples=None):
    """Texts and labels from ``imdb``, a fastText file, a CSV file or a class folder.

    ``split`` picks IMDB's train or test half; other sources are read whole.
    ``n_samples`` keeps the first ones (the loaders shuffle). The labels are the
    classes' names: IMDB's ``neg``/``pos``, a folder's subfolder names, a CSV
    file's label values, a fastText file's ``__label__`` values.
    """
    from .datasets import fetch_imdb, load_fasttext, load_text_folder

    if spec == "imdb":
        bunch = fetch_imdb(subset=split)
        X, y = bunch.data, np.asarray(bunch.target_names, dtype=object)[bunch.target]
    elif spec == "imdb-rating":
        X, y = fetch_imdb(subset=split, target="rating", return_X_y=True)
    else:
        path = Path(spec)
        if not path.exists():
            raise CommandError(f"--data {spec}: no such file or folder (expected imdb, imdb-rating, a .ft.txt[.bz2] file, "
                               "a .csv file, or a folder with one subfolder of .txt files per class).")
        name = path.name.lower()
        if path.is_dir():
            bunch = load_text_folder(path)
            X, y = bunch.data, np.asarray(bunch.target_names, dtype=object)[bunch.target]
        elif name.endswith(".csv"):
            X, y = _read_csv(path, text_column, label_column)
        elif ".ft.txt" in name or name.endswith((".txt", ".txt.bz2", ".bz2", ".gz")):
            X, y = load_fasttext(path, return_X_y=True)
        else:
            raise CommandError(f"--data {spec}: unknown kind of file; use a .csv, a fastText .ft.txt[.bz2] "
                               "file, or a folder.")
    X, y = list(X), np.asarray(y)
    if n_samples is not None:
        X, y = X[:n_samples], y[:n_samples]
    if not X:
        raise CommandError(f"--data {spec}: no documents found.")
    return X, y


def _read_csv(path, text_column, label_column):
    import pandas as pd

    if not text_column or not label_column:
        raise CommandError("a CSV file needs --text-column and --label-column.")
    frame = pd.read_csv(path)
    for option, column in (("--text-column", text_column), ("--label-column", label_column)):
        if column not in frame.columns:
            raise CommandError(f"{option} {column!r} is not a column of {path.name}; "
                               f"its columns are {list(frame.columns)}.")
    frame = frame.dropna(subset=[text_column, label_column])
    return frame[text_column].astype(str).tolist(), frame[label_column].to_numpy()


def read_documents(texts):
    """The texts given, or one document per non-empty line of standard input."""
    if not texts:
        if sys.stdin is None or sys.stdin.isatty():
            raise CommandError("no text given: pass documents as arguments or one per line on standard input.")
        texts = [line.rstrip("\n") for line in sys.stdin if line.strip()]
    if not texts:
        raise CommandError("no text given: standard input was empty.")
    return list(texts)


# --------------------------------------------------------------------- models
def save_model(model, out, summary):
    from . import save

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    save(model, out / MODEL_FILE)
    (out / SUMMARY_FILE).write_text(json.dumps(summary, indent=2, default=str) + "\n")
    return out / MODEL_FILE


def load_model(model_dir):
    from . import load

    path = Path(model_dir)
    if path.is_dir():
        path = path / MODEL_FILE
    if not path.is_file():
        raise CommandError(f"no model at {model_dir} (expected a folder written by 'sklearn-rnn train' "
                           f"holding {MODEL_FILE}, or a model file).")
    return load(path)


def _is_regressor(model):
    return not hasattr(model, "classes_")


def _summary(model, X, y, seconds, data):
    from . import __version__

    summary = {"sklearn_rnn_version": __version__, "data": data, "n_samples": len(X)}
    if _is_regressor(model):
        summary.update(task="regression", target_mean=[float(v) for v in model[-1].target_mean_])
    else:
        summary.update(task="classification", classes=[_plain(c) for c in model.classes_])
    return {**summary, "fit_seconds": round(seconds, 1),
            "parameters": {k: repr(v) for k, v in model[-1].get_params().items()}}


def _task(args, y):
    """``--task``, with ``auto`` read off the labels: regression for non-integer numbers."""
    from sklearn.utils.multiclass import type_of_target

    if args.task != "auto":
        return args.task
    return "regression" if type_of_target(y) in ("continuous", "continuous-multioutput") else "classification"


# ------------------------------------------------------------------- commands
def cmd_demo(args):
    X, y = load_data("imdb", split="train", n_samples=args.n_train)
    X_test, y_test = load_data("imdb", split="test", n_samples=args.n_test)
    params = {"verbose": 1, "random_state": args.seed}
    if args.epochs is not None:
        params["max_epochs"] = args.epochs
    model = build_pipeline("recurrent", params)
    print(f"Fitting the default pipeline on {len(X):,} IMDB reviews...")
    start = time.perf_counter()
    model.fit(X, y)
    seconds = time.perf_counter() - start
    accuracy = model.score(X_test, y_test)
    print(f"Test accuracy on {len(X_test):,} reviews: {accuracy:.2%} (fit in {seconds:.0f} s)")
    path = save_model(model, args.out, {**_summary(model, X, y, seconds, "imdb"), "test_accuracy": accuracy})
    print(f"Saved to {path}")
    for text, proba in zip(DEMO_SENTENCES, model.predict_proba(list(DEMO_SENTENCES))):
        print(f"{model.classes_[int(np.argmax(proba))]:>8} ({proba.max():.0%})  {text}")
    return 0


def cmd_train(args):
    params = parse_params(args.param)
    X, y = load_data(args.data, split="train", text_column=args.text_column, label_column=args.label_column,
                     n_samples=args.n_samples)
    model = build_pipeline(args.model, params, _task(args, y))
    start = time.perf_counter()
    model.fit(X, y)
    seconds = time.perf_counter() - start
    path = save_model(model, args.out, _summary(model, X, y, seconds, args.data))
    print(f"Fitted on {len(X):,} documents in {seconds:.1f} s; saved to {path}")
    return 0


def cmd_predict(args):
    model = load_model(args.model_dir)
    texts = read_documents(args.text)
    if _is_regressor(model):
        return _print_predictions(args.format, texts, np.asarray(model.predict(texts)))
    classes = list(model.classes_)
    proba = model.predict_proba(texts)
    labels = [classes[i] for i in proba.argmax(axis=1)]
    names = [str(c) for c in classes]
    if args.format == "json":
        for text, label, row in zip(texts, labels, proba):
            print(json.dumps({"text": text, "label": _plain(label),
                              "probabilities": {n: round(float(p), 6) for n, p in zip(names, row)}}))
    elif args.format == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["label", *[f"p_{n}" for n in names], "text"])
        for text, label, row in zip(texts, labels, proba):
            writer.writerow([label, *[f"{p:.6f}" for p in row], text])
        sys.stdout.write(out.getvalue())
    else:
        width = max(5, *(len(str(label)) for label in labels))
        print(f"{'label':<{width}}  " + "  ".join(f"{'p(' + n + ')':>9}" for n in names) + "  text")
        for text, label, row in zip(texts, labels, proba):
            short = text if len(text) <= 60 else text[:57] + "..."
            print(f"{str(label):<{width}}  " + "  ".join(f"{p:>9.4f}" for p in row) + f"  {short}")
    return 0


def _print_predictions(fmt, texts, predictions):
    """A regressor's predictions, one column per target, in ``fmt``."""
    values = predictions.reshape(len(texts), -1)
    names = ["prediction"] if values.shape[1] == 1 else [f"prediction_{i}" for i in range(values.shape[1])]
    if fmt == "json":
        for text, row in zip(texts, values):
            print(json.dumps({"text": text, **{n: round(float(v), 6) for n, v in zip(names, row)}}))
    elif fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([*names, "text"])
        writer.writerows([*[f"{v:.6f}" for v in row], text] for text, row in zip(texts, values))
        sys.stdout.write(out.getvalue())
    else:
        print("  ".join(f"{n:>12}" for n in names) + "  text")
        for text, row in zip(texts, values):
            short = text if len(text) <= 60 else text[:57] + "..."
            print("  ".join(f"{v:>12.4f}" for v in row) + f"  {short}")
    return 0


def _plain(value):
    return value.item() if hasattr(value, "item") else value


def cmd_evaluate(args):
    from sklearn.metrics import (accuracy_score, classification_report, confusion_matrix, f1_score,
                                 mean_absolute_error, r2_score)

    model = load_model(args.model_dir)
    X, y = load_data(args.data, split="test", text_column=args.text_column, label_column=args.label_column,
                     n_samples=args.n_samples)
    pred = model.predict(X)
    if _is_regressor(model):
        print(f"documents: {len(X)}")
        print(f"R2:        {r2_score(y.astype(float), pred):.4f}")
        print(f"MAE:       {mean_absolute_error(y.astype(float), pred):.4f}")
        return 0
    labels = np.unique(np.concatenate([np.asarray(model.classes_), np.unique(y)]))
    print(f"documents: {len(X)}")
    print(f"accuracy:  {accuracy_score(y, pred):.4f}")
    print(f"macro-F1:  {f1_score(y, pred, average='macro'):.4f}")
    print()
    print(classification_report(y, pred, labels=labels, zero_division=0))
    matrix = confusion_matrix(y, pred, labels=labels)
    width = max(6, *(len(str(label)) for label in labels), len(str(matrix.max())))
    print("confusion matrix (rows: true, columns: predicted)")
    print(" " * width + "".join(f"  {str(label):>{width}}" for label in labels))
    for label, row in zip(labels, matrix):
        print(f"{str(label):>{width}}" + "".join(f"  {count:>{width}}" for count in row))
    return 0


def _grid(path, model, task="classification"):
    """The grid file as GridSearchCV's ``param_grid``, names resolved to their step."""
    try:
        grid = json.loads(Path(path).read_text())
    except FileNotFoundError:
        raise CommandError(f"--grid {path}: no such file.") from None
    except json.JSONDecodeError as exc:
        raise CommandError(f"--grid {path}: not valid JSON ({exc}).") from None
    grids = grid if isinstance(grid, list) else [grid]
    resolved = []
    for entry in grids:
        if not isinstance(entry, dict) or not all(isinstance(v, list) and v for v in entry.values()):
            raise CommandError(f"--grid {path}: expected an object (or a list of objects) mapping each "
                               'parameter to a non-empty list of values, like {"cell": ["lstm", "gru"]}.')
        out = {}
        for name, values in entry.items():
            values = [tuple(v) if isinstance(v, list) else v for v in values]
            if "__" in name:
                out[name] = values
                continue
            step = next((s for s, est in reversed(model.steps) if name in _step_names(est)), None)
            if step is None:
                build_pipeline(_model_kind(model), {name: values[0]}, task)  # raises the helpful error
            out[f"{step}__{_step_names(model.named_steps[step])[name]}"] = values
        resolved.append(out)
    return resolved


def _model_kind(pipeline):
    name = type(pipeline[-1]).__name__
    return next(kind for kinds in (MODELS, REGRESSORS) for kind, cls in kinds.items() if cls == name)


def cmd_search(args):
    import joblib
    import pandas as pd
    from sklearn.model_selection import GridSearchCV

    X, y = load_data(args.data, split="train", text_column=args.text_column, label_column=args.label_column,
                     n_samples=args.n_samples)
    task = _task(args, y)
    model = build_pipeline(args.model, parse_params(args.param), task)
    grid = _grid(args.grid, model, task)
    if task == "regression" and args.scoring == "accuracy":
        args.scoring = "r2"
    search = GridSearchCV(model, grid, cv=args.cv, n_jobs=args.n_jobs, scoring=args.scoring, error_score="raise")
    with contextlib.ExitStack() as stack:
        if args.scheduler:
            try:
                from distributed import Client
            except ImportError:
                raise CommandError("--scheduler needs Dask: pip install 'sklearn_rnn[dask]'.") from None
            client = stack.enter_context(Client(args.scheduler, timeout="30s"))
            stack.enter_context(joblib.parallel_config(backend="dask"))
            print(f"Searching on {client.scheduler.address} "
                  f"({len(client.scheduler_info().get('workers', {}))} workers)")
        start = time.perf_counter()
        search.fit(X, y)
        seconds = time.perf_counter() - start
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(search.cv_results_).to_csv(out / "cv_results.csv", index=False)
    save_model(search.best_estimator_, out / "best_model",
               {**_summary(search.best_estimator_, X, y, seconds, args.data),
                "best_params": {k: repr(v) for k, v in search.best_params_.items()},
                "best_score": search.best_score_})
    print(f"{len(search.cv_results_['params'])} candidates x {args.cv} folds in {seconds:.1f} s; "
          f"best {args.scoring} {search.best_score_:.4f} with {search.best_params_}")
    print(f"Wrote {out / 'cv_results.csv'} and {out / 'best_model' / MODEL_FILE}")
    return 0


# --------------------------------------------------------------------- parser
def _data_options(parser, required=True):
    parser.add_argument("--data", required=required,
                        help="imdb, imdb-rating (the 1-10 stars), a fastText file (PATH.ft.txt or .ft.txt.bz2), a CSV file, or a folder "
                             "with one subfolder of .txt files per class")
    parser.add_argument("--text-column", help="the text column of a CSV file")
    parser.add_argument("--label-column", help="the label column of a CSV file")
    parser.add_argument("--n-samples", type=_positive, help="use only the first N documents")


def _model_options(parser):
    parser.add_argument("--model", choices=sorted(MODELS), default="recurrent",
                        help="the classifier (default: recurrent)")
    parser.add_argument("--task", choices=("auto", "classification", "regression"), default="auto",
                        help="classification or regression (default: auto, regression when the labels are "
                             "non-integer numbers)")
    parser.add_argument("--param", action="append", metavar="NAME=VALUE",
                        help="a parameter of the vectorizer or the classifier, repeatable "
                             "(for example --param cell=gru --param hidden_size=64,32)")


def _positive(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value}")
    return value


def make_parser():
    """The argument parser of ``sklearn-rnn``."""
    from . import __version__

    fmt = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(
        prog="sklearn-rnn", formatter_class=fmt,
        description="Recurrent text classifiers with scikit-learn's API, from the command line.",
        epilog="example:\n  sklearn-rnn demo --n-train 2000 --epochs 2\n\n"
               "Run 'sklearn-rnn COMMAND --help' for a command's options.")
    parser.add_argument("--version", action="version", version=f"sklearn_rnn {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    demo = commands.add_parser(
        "demo", formatter_class=fmt, help="fit the default pipeline on IMDB and classify two sentences",
        description="Fit the default pipeline on IMDB with progress bars, print test accuracy and fit time, "
                    "save the model and classify two raw sentences.",
        epilog="example:\n  sklearn-rnn demo --n-train 2000 --epochs 2 --out demo_model")
    demo.add_argument("--n-train", type=_positive, help="training reviews to use (default: all 25,000)")
    demo.add_argument("--n-test", type=_positive, help="test reviews to score (default: all 25,000)")
    demo.add_argument("--epochs", type=_positive, help="maximum epochs (default: the estimator's)")
    demo.add_argument("--seed", type=int, default=0, help="random_state of the classifier (default: 0)")
    demo.add_argument("--out", default="sklearn_rnn_demo", help="model folder (default: sklearn_rnn_demo)")
    demo.set_defaults(func=cmd_demo)

    train = commands.add_parser(
        "train", formatter_class=fmt, help="fit a pipeline on a data set and save it",
        description="Fit SequenceVectorizer + a classifier on the data and save them to a model folder.",
        epilog="examples:\n  sklearn-rnn train --data imdb --out imdb_gru --param cell=gru --param hidden_size=64\n"
               "  sklearn-rnn train --data reviews.csv --text-column review --label-column stars --out m\n"
               "  sklearn-rnn train --data train.ft.txt.bz2 --n-samples 100000 --out amazon")
    _data_options(train)
    train.add_argument("--out", required=True, help="model folder to write")
    _model_options(train)
    train.set_defaults(func=cmd_train)

    predict = commands.add_parser(
        "predict", formatter_class=fmt, help="classify texts with a saved model",
        description="Print each document's label and class probabilities. Documents are the arguments, "
                    "or one per line on standard input.",
        epilog="examples:\n  sklearn-rnn predict imdb_gru \"What a film!\" \"Two hours I will not get back.\"\n"
               "  cat reviews.txt | sklearn-rnn predict imdb_gru --format csv > predictions.csv")
    predict.add_argument("model_dir", metavar="MODEL_DIR", help="a folder written by train, demo or search")
    predict.add_argument("text", nargs="*", help="documents to classify")
    predict.add_argument("--format", choices=("table", "json", "csv"), default="table",
                         help="output format (default: table)")
    predict.set_defaults(func=cmd_predict)

    evaluate = commands.add_parser(
        "evaluate", formatter_class=fmt, help="score a saved model on labelled data",
        description="Print accuracy, macro-F1, a classification report and a confusion matrix. "
                    "--data imdb scores IMDB's test half.",
        epilog="example:\n  sklearn-rnn evaluate imdb_gru --data imdb --n-samples 5000")
    evaluate.add_argument("model_dir", metavar="MODEL_DIR", help="a folder written by train, demo or search")
    _data_options(evaluate)
    evaluate.set_defaults(func=cmd_evaluate)

    search = commands.add_parser(
        "search", formatter_class=fmt, help="grid-search a pipeline, on Dask with --scheduler",
        description="Run GridSearchCV over the parameters in a JSON grid file ({\"name\": [values, ...]}, "
                    "names as for --param, or step__name) and write cv_results.csv and the refitted best "
                    "model (in OUT/best_model).",
        epilog="examples:\n  echo '{\"cell\": [\"lstm\", \"gru\"], \"lr\": [0.001, 0.003]}' > grid.json\n"
               "  sklearn-rnn search --data imdb --n-samples 5000 --grid grid.json --out search\n"
               "  sklearn-rnn search --data imdb --grid grid.json --out search --scheduler tcp://host:8786")
    _data_options(search)
    search.add_argument("--grid", required=True, help="JSON file of parameter lists")
    search.add_argument("--out", required=True, help="folder for cv_results.csv and best_model/")
    search.add_argument("--cv", type=_positive, default=3, help="cross-validation folds (default: 3)")
    search.add_argument("--scoring", default="accuracy", help="scikit-learn scorer name (default: accuracy)")
    search.add_argument("--n-jobs", type=int, default=None,
                        help="parallel fits (default: 1, or every Dask worker with --scheduler)")
    search.add_argument("--scheduler", metavar="ADDRESS", help="a Dask scheduler, e.g. tcp://host:8786")
    _model_options(search)
    search.set_defaults(func=cmd_search)
    parser.commands = {"demo": demo, "train": train, "predict": predict, "evaluate": evaluate, "search": search}
    return parser


def parse_args(parser, argv):
    """The command line, its options in any position: ``predict MODEL --format json TEXT`` too.

    argparse's ``parse_intermixed_args`` takes no subparsers, so the command's own parser reads
    everything after the command's name.
    """
    commands = parser.commands
    if argv and argv[0] in commands:
        args = commands[argv[0]].parse_intermixed_args(argv[1:])
        args.command = argv[0]
        return args
    return parser.parse_args(argv)


def main(argv=None):
    """Run the command line; returns the exit status.

    Examples
    --------
    >>> main(["predict", "no_such_model", "text"])
    1
    """
    from ._validation import InvalidParameterError
    from .persistence import ModelFormatError

    args = parse_args(make_parser(), sys.argv[1:] if argv is None else list(argv))
    if getattr(args, "scheduler", None) and args.n_jobs is None:
        args.n_jobs = -1
    try:
        return args.func(args)
    except (CommandError, InvalidParameterError, ModelFormatError, FileNotFoundError,
            ValueError, TypeError, OSError) as exc:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"sklearn-rnn: error: {message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("sklearn-rnn: interrupted", file=sys.stderr)
        return 130


def main_exit():
    """Entry point of the ``sklearn-rnn`` console script."""
    sys.exit(main())
