"""One serving runtime for every client's tests: the jar and model come from the environment (hack/test-clients),
REST and gRPC on free loopback ports. Only the standard library here: each client's tests run in a venv of their
own, because the clients' pins conflict (tritonclient wants grpcio below 1.68, kserve 1.73 or newer)."""
import json
import os
import pathlib
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest

SEED_FEATURES = [[5.1, 3.5, 1.4, 0.2], [6.2, 3.4, 5.4, 2.3]]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_runtime(model, cache):
    """The runtime serving the model folder, version 1.0.0, until the generator is closed: its addresses."""
    http_port, grpc_port = free_port(), free_port()
    process = subprocess.Popen(
        ["java", "-jar", os.environ["RUNTIME_JAR"], "--model", model, "--host", "127.0.0.1",
         "--port", str(http_port), "--grpc-port", str(grpc_port), "--version", "1.0.0",
         "--cache-dir", str(cache)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{http_port}/v2/health/ready", timeout=1) as ready:
                if ready.status == 200:
                    break
        except (urllib.error.URLError, ConnectionError):
            pass
        assert process.poll() is None, process.stdout.read().decode()
        time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("the runtime did not become ready in 60 s")
    yield {"http": f"127.0.0.1:{http_port}", "grpc": f"127.0.0.1:{grpc_port}"}
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture(scope="session")
def runtime(tmp_path_factory):
    """The runtime serving the Iris example."""
    yield from start_runtime(os.environ["IRIS_MODEL"], tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="session")
def penguins(tmp_path_factory):
    """The runtime serving the penguins example, whose island and sex are strings (BYTES)."""
    yield from start_runtime(os.environ["PENGUINS_MODEL"], tmp_path_factory.mktemp("penguins-cache"))


@pytest.fixture(scope="session")
def penguins_reference():
    """Every penguin row (island, four measurements, sex) with the training library's label."""
    return json.loads((pathlib.Path(os.environ["PENGUINS_MODEL"]) / "reference.json").read_text())


PENGUIN_FEATURES = ["island", "culmen_length_mm", "culmen_depth_mm", "flipper_length_mm", "body_mass_g", "sex"]


def penguin_columns(reference):
    """The rows as a table's columns, by feature name: strings for island and sex, numbers for the others."""
    return {name: [row["features"][index] for row in reference] for index, name in enumerate(PENGUIN_FEATURES)}


@pytest.fixture(scope="session")
def server(runtime):
    """The REST address, host:port."""
    return runtime["http"]


@pytest.fixture(scope="session")
def grpc_server(runtime):
    """The gRPC address, host:port."""
    return runtime["grpc"]


@pytest.fixture(scope="session")
def reference():
    """Every Iris row with the training library's label (reference.json in the model's folder)."""
    return json.loads((pathlib.Path(os.environ["IRIS_MODEL"]) / "reference.json").read_text())
