"""Infrastructure: the facts cache, the worker pool and per-file time limits."""
