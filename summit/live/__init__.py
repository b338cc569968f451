"""The live layer: the hub that carries news between processes, fan-out, and the socket routes."""
