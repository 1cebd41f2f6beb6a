"""The CPU kind every benchmark names beside its figures (one definition for all scripts)."""


def cpu_kind():
    """``'AMX BF16'``, ``'AVX-512 BF16'``, ``'AVX2'`` or ``'other'``, from ``/proc/cpuinfo``'s flags, and the
    model name (``'Intel(R) Xeon(R) Processor'``, ``'AMD EPYC ...'``) after a comma: one CPU kind's flags
    come in more than one vendor's processor."""
    try:
        with open("/proc/cpuinfo") as f:
            lines = f.read().splitlines()
        flags = next(line for line in lines if line.startswith("flags")).split()
    except (OSError, StopIteration):
        return "unknown"
    kind = ("AMX BF16" if "amx_bf16" in flags else "AVX-512 BF16" if "avx512_bf16" in flags
            else "AVX2" if "avx2" in flags else "other")
    model = next((line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")), "")
    return f"{kind}, {model}" if model else kind


def cpu_tag(kind=None):
    """The CPU kind as a file-name part: ``'avx2'``, ``'avx512'``, ``'amx'``, ``'other'`` or ``'unknown'``
    (the first word of :func:`cpu_kind`'s kind, before the model name's comma)."""
    kind = cpu_kind() if kind is None else kind
    return kind.split(",")[0].split()[0].lower().replace("-", "")
