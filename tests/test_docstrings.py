"""Every public estimator documents each of its parameters, and only those."""

import ast
import inspect
import re

import pytest

import sklearn_rnn

PUBLIC = [getattr(sklearn_rnn, name) for name in sklearn_rnn.__all__ if inspect.isclass(getattr(sklearn_rnn, name))]


def _documented_parameters(doc):
    section = doc.split("Parameters\n    ----------\n", 1)[1].split("\n    Attributes\n", 1)[0]
    return [m.group(1) for m in re.finditer(r"^    (\*{0,2}\w+)(?: :|$)", section, flags=re.M)]


@pytest.mark.parametrize("cls", PUBLIC, ids=lambda c: c.__name__)
def test_docstring_matches_signature(cls):
    signature = [
        ("**" if p.kind == p.VAR_KEYWORD else "") + name
        for name, p in inspect.signature(cls.__init__).parameters.items() if name != "self"
    ]
    documented = _documented_parameters(cls.__doc__)
    assert sorted(documented) == sorted(signature)
    init = inspect.signature(cls.__init__).parameters
    for name, default in re.findall(r"^    (\w+) : .*default=(.+)$", cls.__doc__, flags=re.M):
        try:
            value = ast.literal_eval(default)
        except (ValueError, SyntaxError):
            continue  # not a literal, e.g. np.int32 or r"..." patterns
        assert init[name].default == value, f"{cls.__name__}.{name}: documented default={default}"
    for section in ("Attributes", "Examples"):
        assert f"\n    {section}\n" in cls.__doc__
