"""The CPU kind every benchmark names beside its figures (one definition for all scripts)."""


def cpu_kind():
    """``'AVX-512 BF16'``, ``'AVX2'`` or ``'other'``, from ``/proc/cpuinfo``'s flags."""
    try:
        flags = next(line for line in open("/proc/cpuinfo") if line.startswith("flags")).split()
    except (OSError, StopIteration):
        return "unknown"
    return "AVX-512 BF16" if "avx512_bf16" in flags else "AVX2" if "avx2" in flags else "other"
