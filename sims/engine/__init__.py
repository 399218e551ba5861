"""The sweep engine: the sweep (sweep.py) driven by its options (options.py), several hosts
(hosts.py), the chunk store and result files (store.py), progress lines (progress.py) and the
source fingerprint that keys saved results (fingerprint.py)."""
