"""The sweep engine: sweeps, hosts, the chunk store and progress lines."""
