"""The package's import graph: no cycle (imports inside functions count), modules/ free of scikit-learn."""

import ast
import pathlib

import sklearn_rnn

ROOT = pathlib.Path(sklearn_rnn.__file__).parent


def _graph():
    modules = {".".join(f.relative_to(ROOT.parent).with_suffix("").parts).removesuffix(".__init__"): f
               for f in ROOT.rglob("*.py")}
    edges = {name: set() for name in modules}
    for name, path in modules.items():
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                base = (".".join(package[:len(package) - node.level + 1] + ([node.module] if node.module else []))
                        if node.level else (node.module or ""))
                targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                continue
            edges[name].update(t for t in targets if t in modules and t != name and modules[t].name != "__init__.py")
    return edges


def _cycle(edges):
    """One import cycle as a list of modules, or None."""
    state = {}

    def visit(node, path):
        state[node] = "open"
        for child in sorted(edges[node]):
            if state.get(child) == "open":
                return path[path.index(child):] + [child]
            if child not in state:
                found = visit(child, path + [child])
                if found:
                    return found
        state[node] = "done"
        return None

    for start in sorted(edges):
        if start not in state:
            found = visit(start, [start])
            if found:
                return found
    return None


def test_no_module_imports_itself_through_others():
    assert _cycle(_graph()) is None, " -> ".join(_cycle(_graph()))


def test_the_cycle_finder_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_the_torch_modules_use_no_scikit_learn():
    for path in (ROOT / "modules").glob("*.py"):
        tree = ast.parse(path.read_text())
        names = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
        names += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and not node.level]
        assert not [n for n in names if n.startswith(("sklearn", "skorch"))], path.name
        relative = [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level > 1]
        assert not relative, f"{path.name} imports from the package above modules/"
