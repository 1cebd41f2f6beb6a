"""Build hook for the one compiled part: the fused GRU/RNN kernel.

Everything else is in pyproject.toml. The extension is plain C with no Python
or torch headers, loaded with ctypes by ``sklearn_rnn.modules.fused``; it is
optional, so a machine without a C compiler still installs the package, and
the GRU and RNN layers then run torch.nn code with one warning.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "sklearn_rnn.modules._cells",
            sources=["sklearn_rnn/modules/_cells.c"],
            extra_compile_args=["-O3", "-std=c99", "-fno-wrapv", "-fno-trapping-math"],
            optional=True,
        )
    ]
)
