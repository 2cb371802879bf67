"""The benchmark (``make bench``): ``bench/run.py``."""
