"""Real third-party clients against the serving runtime: the seed tutorial's requests call and Triton's HTTP client
speaking the Open Inference Protocol v2. The runtime jar and model come from the environment (hack/test-clients)."""
import os
import socket
import subprocess
import time

import numpy as np
import pytest
import requests
import tritonclient.http as triton

SEED_FEATURES = [[5.1, 3.5, 1.4, 0.2], [6.2, 3.4, 5.4, 2.3]]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = free_port()
    process = subprocess.Popen(
        ["java", "-jar", os.environ["RUNTIME_JAR"], "--model", os.environ["IRIS_MODEL"], "--host", "127.0.0.1",
         "--port", str(port), "--version", "1.0.0", "--cache-dir", str(tmp_path_factory.mktemp("cache"))],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if requests.get(url + "/v2/health/ready", timeout=1).status_code == 200:
                break
        except requests.ConnectionError:
            pass
        assert process.poll() is None, process.stdout.read().decode()
        time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("the runtime did not become ready in 60 s")
    yield f"127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=30)


def test_seed_client_call_works_unchanged(server):
    # The seed tutorial's client, verbatim in shape: requests.post('/predict', json={'features': ...}).
    data = {'features': SEED_FEATURES}
    response = requests.post(f'http://{server}/predict', json=data)
    result = response.json()
    assert response.status_code == 200
    assert result['predictions'] == ['setosa', 'virginica']
    assert len(result['probabilities']) == 2
    assert all(abs(sum(p) - 1.0) < 1e-5 for p in result['probabilities'])


def test_seed_health_check(server):
    assert requests.get(f'http://{server}/health').json()['status'] == 'healthy'


def test_triton_client_reads_health_and_metadata(server):
    client = triton.InferenceServerClient(url=server)
    assert client.is_server_live()
    assert client.is_server_ready()
    assert client.is_model_ready("iris")
    metadata = client.get_model_metadata("iris")
    assert metadata["name"] == "iris"
    assert metadata["versions"] == ["1.0.0"]
    assert metadata["inputs"][0]["shape"] == [-1, 4]


def test_triton_client_infers(server):
    client = triton.InferenceServerClient(url=server)
    batch = np.array(SEED_FEATURES, dtype=np.float32)
    tensor = triton.InferInput("input", list(batch.shape), "FP32")
    tensor.set_data_from_numpy(batch, binary_data=False)
    outputs = [triton.InferRequestedOutput("label", binary_data=False),
               triton.InferRequestedOutput("probabilities", binary_data=False)]

    result = client.infer("iris", inputs=[tensor], outputs=outputs, request_id="seed-1")

    assert [label.decode() if isinstance(label, bytes) else label for label in result.as_numpy("label")] == \
        ["setosa", "virginica"]
    probabilities = result.as_numpy("probabilities")
    assert probabilities.shape == (2, 3)
    np.testing.assert_allclose(probabilities.sum(axis=1), [1.0, 1.0], atol=1e-5)
    assert result.get_response()["id"] == "seed-1"


def test_triton_client_sees_a_bad_request_as_an_error(server):
    client = triton.InferenceServerClient(url=server)
    tensor = triton.InferInput("input", [1, 3], "FP32")
    tensor.set_data_from_numpy(np.array([[1, 2, 3]], dtype=np.float32), binary_data=False)
    with pytest.raises(triton.InferenceServerException, match="the model takes 4"):
        client.infer("iris", inputs=[tensor])


def test_triton_client_names_the_model_version_and_the_outputs_it_wants(server):
    client = triton.InferenceServerClient(url=server)
    assert client.is_model_ready("iris", model_version="1.0.0")
    assert client.get_model_metadata("iris", model_version="1.0.0")["versions"] == ["1.0.0"]
    batch = np.array(SEED_FEATURES, dtype=np.float32)
    tensor = triton.InferInput("input", list(batch.shape), "FP32")
    tensor.set_data_from_numpy(batch, binary_data=False)

    result = client.infer("iris", inputs=[tensor], model_version="1.0.0",
                          outputs=[triton.InferRequestedOutput("label", binary_data=False)])

    assert [o["name"] for o in result.get_response()["outputs"]] == ["label"]
    assert result.as_numpy("probabilities") is None
    with pytest.raises(triton.InferenceServerException, match="version '2.0.0' is not served here"):
        client.infer("iris", inputs=[tensor], model_version="2.0.0")
    with pytest.raises(triton.InferenceServerException, match="the model has no output 'logits'"):
        client.infer("iris", inputs=[tensor], outputs=[triton.InferRequestedOutput("logits", binary_data=False)])
