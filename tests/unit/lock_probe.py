"""Whether a resource lock (module_utils/locks.py) is free: shared by the unit tests of the locks and of a module run
in the task's worker."""

import fcntl
import os


def lock_is_free(path):
    """Whether a new descriptor of the lock file gets the lock at once (flock locks conflict even in one process)."""
    descriptor = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(descriptor)
    return True
