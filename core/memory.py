"""How a worker's C allocator treats the megabyte buffers of page renders.

A 1,000-comment page is built as a few buffers of 1.6 MB each. glibc's malloc gives memory at
the top of its heap back to the system as soon as that much is free, so every render of such a
page asked the kernel for the same megabytes again and faulted each page of them in: about
800 page faults a render, a tenth of its time. A worker keeps what it freed instead (up to
TRIM_KEEP) for the next render; its resident size then stays at its high-water mark, which the
bounded caches and the largest page in flight determine (docs/performance.md, Memory)."""

import ctypes
import ctypes.util
import logging

log = logging.getLogger(__name__)

TRIM_KEEP = 64 * 2**20  # free memory at the heap's top kept rather than returned
MMAP_FROM = 32 * 2**20  # allocations smaller than this come from the heap, reusable
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # mallopt parameters (malloc.h)


def keep_freed_memory() -> bool:
    """Tune glibc's malloc for this process; False where the C library is another (musl,
    macOS), which is left as it is."""
    name = ctypes.util.find_library("c")
    if not name or "libc.so" not in name:
        return False
    try:
        libc = ctypes.CDLL(name)
        if not hasattr(libc, "mallopt") or not hasattr(libc, "gnu_get_libc_version"):
            return False
        return bool(libc.mallopt(_M_TRIM_THRESHOLD, TRIM_KEEP)) and bool(libc.mallopt(_M_MMAP_THRESHOLD, MMAP_FROM))
    except OSError as exc:
        log.info("allocator left as it is: %s", exc)
        return False
