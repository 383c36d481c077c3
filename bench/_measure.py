"""Memory measurement shared by the benchmarks (Linux: /proc and getrusage)."""

from __future__ import annotations


def current_rss_mib() -> float:
    """Resident memory of this process now, MiB (NaN where /proc is missing)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return float("nan")


# A tiny launcher between the benchmark and each worker: a child's ru_maxrss starts at the RSS
# of the process that exec'ed it, so the worker must not be forked from the (big) parent.
LAUNCHER = (
    "import resource, subprocess, sys\n"
    "rc = subprocess.run(sys.argv[2:], check=False).returncode\n"
    "open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))\n"
    "sys.exit(rc)\n"
)
