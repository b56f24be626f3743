"""What the tests of ops share: a port nothing listens on, and the metrics as numbers."""

import socket

from prometheus_client import REGISTRY


def closed_port() -> int:
    """A local port nothing listens on (bound, then let go: connecting is refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def value(name: str, **labels) -> float:
    """A sample of this process's metrics, 0 when it has not been counted yet."""
    return REGISTRY.get_sample_value(name, labels) or 0.0


def labels_of(name: str, label: str) -> set[str]:
    """Every value `label` takes among the samples of metric `name`."""
    found = set()
    for family in REGISTRY.collect():
        for sample in family.samples:
            if sample.name.startswith(name) and label in sample.labels:
                found.add(sample.labels[label])
    return found
