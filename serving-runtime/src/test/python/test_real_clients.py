"""Real third-party clients against the serving runtime: the seed tutorial's requests call, and Triton's HTTP and
gRPC clients speaking the Open Inference Protocol v2. The runtime comes from conftest.py (hack/test-clients)."""
import numpy as np
import pytest
import requests
import tritonclient.grpc as triton_grpc
import tritonclient.http as triton

from conftest import PENGUIN_FEATURES, SEED_FEATURES, penguin_columns


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


def test_triton_http_client_with_its_defaults_sends_and_reads_binary_tensors(server, reference):
    # tritonclient's defaults: the input as raw bytes after the JSON, every output asked back as raw bytes
    # (the binary tensor data extension, header Inference-Header-Content-Length).
    client = triton.InferenceServerClient(url=server)
    batch = np.array([row["features"] for row in reference], dtype=np.float32)
    tensor = triton.InferInput("input", list(batch.shape), "FP32")
    tensor.set_data_from_numpy(batch)

    result = client.infer("iris", inputs=[tensor])

    assert [label.decode() for label in result.as_numpy("label")] == [row["label"] for row in reference]
    probabilities = result.as_numpy("probabilities")
    assert probabilities.dtype == np.float32 and probabilities.shape == (len(reference), 3)
    np.testing.assert_allclose(probabilities.sum(axis=1), np.ones(len(reference)), atol=1e-5)
    assert result.get_response()["model_version"] == "1.0.0"
    # One output raw, one as JSON, in one answer; and an FP16 input, which only travels raw.
    half = triton.InferInput("input", [2, 4], "FP16")
    half.set_data_from_numpy(np.array([[5, 4, 1, 0], [7, 3, 6, 2]], dtype=np.float16))
    mixed = client.infer("iris", inputs=[half], outputs=[triton.InferRequestedOutput("label", binary_data=False),
                                                         triton.InferRequestedOutput("probabilities")])
    assert list(mixed.as_numpy("label")) == ["setosa", "virginica"]
    assert mixed.as_numpy("probabilities").shape == (2, 3)


def test_triton_grpc_client_reads_health_and_metadata(grpc_server):
    client = triton_grpc.InferenceServerClient(url=grpc_server)
    assert client.is_server_live()
    assert client.is_server_ready()
    assert client.is_model_ready("iris")
    assert client.is_model_ready("iris", model_version="1.0.0")
    with pytest.raises(triton_grpc.InferenceServerException, match="this server serves version '1.0.0'"):
        client.is_model_ready("iris", model_version="2.0.0")  # NOT_FOUND, as REST answers 404
    metadata = client.get_model_metadata("iris")
    assert metadata.versions == ["1.0.0"]
    assert [(t.name, t.datatype, list(t.shape)) for t in metadata.inputs] == [("input", "FP32", [-1, 4])]
    assert [t.name for t in metadata.outputs] == ["label", "probabilities"]
    assert client.get_server_metadata().name == "modeldeploy-serving-runtime"


def test_triton_grpc_client_gets_every_reference_label(grpc_server, reference):
    client = triton_grpc.InferenceServerClient(url=grpc_server)
    batch = np.array([row["features"] for row in reference], dtype=np.float32)
    tensor = triton_grpc.InferInput("input", list(batch.shape), "FP32")
    tensor.set_data_from_numpy(batch)

    result = client.infer("iris", inputs=[tensor], request_id="reference")

    assert [label.decode() for label in result.as_numpy("label")] == [row["label"] for row in reference]
    probabilities = result.as_numpy("probabilities")
    assert probabilities.shape == (len(reference), 3)
    np.testing.assert_allclose(probabilities.sum(axis=1), np.ones(len(reference)), atol=1e-5)
    response = result.get_response()
    assert (response.model_name, response.model_version, response.id) == ("iris", "1.0.0", "reference")


@pytest.mark.parametrize("dtype, datatype", [(np.float16, "FP16"), (np.float64, "FP64"), (np.int64, "INT64"),
                                             (np.uint8, "UINT8")])
def test_triton_grpc_client_sends_each_numeric_datatype(grpc_server, dtype, datatype):
    client = triton_grpc.InferenceServerClient(url=grpc_server)
    # Whole centimetres, so that every datatype holds the same flowers: a setosa and a virginica.
    batch = np.array([[5, 4, 1, 0], [7, 3, 6, 2]], dtype=dtype)
    tensor = triton_grpc.InferInput("input", list(batch.shape), datatype)
    tensor.set_data_from_numpy(batch)

    result = client.infer("iris", inputs=[tensor], outputs=[triton_grpc.InferRequestedOutput("label")])

    assert [label.decode() for label in result.as_numpy("label")] == ["setosa", "virginica"]
    assert result.as_numpy("probabilities") is None


def test_triton_grpc_client_sees_bad_requests_as_errors_with_the_reason(grpc_server):
    client = triton_grpc.InferenceServerClient(url=grpc_server)
    tensor = triton_grpc.InferInput("input", [1, 3], "FP32")
    tensor.set_data_from_numpy(np.array([[1, 2, 3]], dtype=np.float32))
    with pytest.raises(triton_grpc.InferenceServerException, match="the model takes 4") as bad_shape:
        client.infer("iris", inputs=[tensor])
    assert bad_shape.value.status() == "StatusCode.INVALID_ARGUMENT"
    with pytest.raises(triton_grpc.InferenceServerException, match="unknown model 'wine'") as unknown:
        client.infer("wine", inputs=[tensor])
    assert unknown.value.status() == "StatusCode.NOT_FOUND"
    strings = triton_grpc.InferInput("input", [1, 4], "BYTES")
    strings.set_data_from_numpy(np.array([[b"a", b"b", b"c", b"d"]], dtype=np.object_))
    with pytest.raises(triton_grpc.InferenceServerException, match="send a numeric tensor"):
        client.infer("iris", inputs=[strings])


def triton_penguin_inputs(module, reference, binary_data):
    """One input per feature, in Triton's way: BYTES from a numpy object array, FP32 from float32."""
    inputs = []
    for name, values in penguin_columns(reference).items():
        strings = name in ("island", "sex")
        array = np.array(values, dtype=np.object_ if strings else np.float32)
        tensor = module.InferInput(name, [len(values)], "BYTES" if strings else "FP32")
        if module is triton:
            tensor.set_data_from_numpy(array, binary_data=binary_data)
        else:
            tensor.set_data_from_numpy(array)
        inputs.append(tensor)
    return inputs


@pytest.mark.parametrize("binary_data", [True, False], ids=["raw bytes", "JSON"])
def test_triton_http_client_sends_strings_as_bytes_tensors(penguins, penguins_reference, binary_data):
    client = triton.InferenceServerClient(url=penguins["http"])
    metadata = client.get_model_metadata("penguins")
    assert [(t["name"], t["datatype"]) for t in metadata["inputs"]] == [
        (name, "BYTES" if name in ("island", "sex") else "FP32") for name in PENGUIN_FEATURES]

    result = client.infer("penguins", inputs=triton_penguin_inputs(triton, penguins_reference, binary_data))

    assert [label.decode() for label in result.as_numpy("label")] == [row["label"] for row in penguins_reference]


def test_triton_grpc_client_sends_strings_as_bytes_tensors(penguins, penguins_reference):
    client = triton_grpc.InferenceServerClient(url=penguins["grpc"])

    result = client.infer("penguins", inputs=triton_penguin_inputs(triton_grpc, penguins_reference, True))

    assert [label.decode() for label in result.as_numpy("label")] == [row["label"] for row in penguins_reference]


def test_triton_clients_see_an_unknown_category_as_an_error_naming_the_known_ones(penguins, penguins_reference):
    row = dict(penguin_columns(penguins_reference[:1]), island=["Atlantis"])
    message = r'input .island. row 0 is "Atlantis"; the categorical feature island takes one of "Biscoe", "Dream"'
    for module, address in ((triton, penguins["http"]), (triton_grpc, penguins["grpc"])):
        inputs = []
        for name, values in row.items():
            strings = name in ("island", "sex")
            tensor = module.InferInput(name, [1], "BYTES" if strings else "FP32")
            tensor.set_data_from_numpy(np.array(values, dtype=np.object_ if strings else np.float32))
            inputs.append(tensor)
        with pytest.raises(module.InferenceServerException, match=message):
            module.InferenceServerClient(url=address).infer("penguins", inputs=inputs)


def test_seed_style_client_sends_rows_mixing_strings_and_numbers(penguins, penguins_reference):
    response = requests.post(f"http://{penguins['http']}/predict",
                             json={"features": [row["features"] for row in penguins_reference]}, timeout=10)

    assert response.status_code == 200, response.text
    assert response.json()["predictions"] == [row["label"] for row in penguins_reference]
