"""Memory of a process as the benchmarks of this folder report it: peak
and current resident memory (GB), from ``getrusage`` and
``/proc/<pid>/smaps_rollup``."""
import resource


def peak_rss_gb() -> float:
    """Peak resident memory of this process (GB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def rss_gb(pid: str = 'self', field: str = 'Rss') -> float:
    """Current ``Rss``/``Pss``/``Private_*`` memory of a process (GB)."""
    total = 0
    with open(f'/proc/{pid}/smaps_rollup') as f:
        for line in f:
            if line.split(':')[0] in ((field, ) if field != 'Uss' else
                                      ('Private_Clean', 'Private_Dirty')):
                total += int(line.split()[1])
    return total / 2**20
