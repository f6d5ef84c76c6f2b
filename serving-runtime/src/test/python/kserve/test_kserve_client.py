"""KServe's Python inference clients, gRPC and REST, against the serving runtime: a KServe user's code works
unchanged when the model moves to modeldeploy. The runtime comes from ../conftest.py (hack/test-clients)."""
import asyncio

import grpc
import httpx
import numpy as np
import pytest
from kserve import InferenceGRPCClient, InferenceRESTClient, InferInput, InferRequest, RESTConfig
from kserve.protocol.infer_type import RequestedOutput

from conftest import penguin_columns


def labels(response, name="label"):
    output = next(o for o in response.outputs if o.name == name)
    return [v.decode() if isinstance(v, bytes) else v for v in output.as_numpy().tolist()]


def feature_columns(reference):
    """The reference rows as a table's columns: one FP64 input per feature, named after it, last feature first."""
    names = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
    batch = np.array([row["features"] for row in reference], dtype=np.float64)
    columns = []
    for index in reversed(range(len(names))):
        column = InferInput(name=names[index], shape=[len(batch)], datatype="FP64")
        column.set_data_from_numpy(batch[:, index], binary_data=False)
        columns.append(column)
    return columns


def infer_rest(server, request, model_name="iris"):
    """One call of KServe's REST client (JSON, one retry) to the runtime at server (host:port)."""
    async def call():
        client = InferenceRESTClient(RESTConfig(protocol="v2", retries=1))
        try:
            return await client.infer(f"http://{server}", request, model_name=model_name)
        finally:
            await client.close()
    return asyncio.run(call())


def infer_grpc(address, request):
    async def call():
        client = InferenceGRPCClient(url=address)
        try:
            return await client.infer(request)
        finally:
            await client.close()
    return asyncio.run(call())


def test_kserve_grpc_client_gets_every_reference_label(grpc_server, reference):
    batch = np.array([row["features"] for row in reference], dtype=np.float32)
    tensor = InferInput(name="input", shape=list(batch.shape), datatype="FP32")
    tensor.set_data_from_numpy(batch, binary_data=True)

    response = infer_grpc(grpc_server, InferRequest(model_name="iris", infer_inputs=[tensor], request_id="kserve"))

    assert labels(response) == [row["label"] for row in reference]
    assert (response.model_name, response.model_version, response.id) == ("iris", "1.0.0", "kserve")
    probabilities = next(o for o in response.outputs if o.name == "probabilities").as_numpy()
    assert probabilities.shape == (len(reference), 3)


def test_kserve_grpc_client_sends_typed_contents_and_picks_outputs(grpc_server):
    tensor = InferInput(name="input", shape=[2, 4], datatype="FP64")
    tensor.set_data_from_numpy(np.array([[5.1, 3.5, 1.4, 0.2], [6.2, 3.4, 5.4, 2.3]]), binary_data=False)

    response = infer_grpc(grpc_server, InferRequest(model_name="iris", infer_inputs=[tensor],
                                                    request_outputs=[RequestedOutput(name="label")]))

    assert labels(response) == ["setosa", "virginica"]
    assert [o.name for o in response.outputs] == ["label"]


def test_kserve_grpc_client_sends_one_tensor_per_feature(grpc_server, reference):
    columns = feature_columns(reference)

    response = infer_grpc(grpc_server, InferRequest(model_name="iris", infer_inputs=columns))

    assert labels(response) == [row["label"] for row in reference]


def test_kserve_grpc_client_sees_a_bad_request_with_its_reason(grpc_server):
    tensor = InferInput(name="input", shape=[1, 3], datatype="FP32")
    tensor.set_data_from_numpy(np.array([[1, 2, 3]], dtype=np.float32), binary_data=True)
    with pytest.raises(grpc.RpcError) as error:
        infer_grpc(grpc_server, InferRequest(model_name="iris", infer_inputs=[tensor]))
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "the model takes 4" in error.value.details()


def test_kserve_grpc_client_health_calls(grpc_server):
    async def calls():
        client = InferenceGRPCClient(url=grpc_server)
        try:
            return (await client.is_server_live(), await client.is_server_ready(),
                    await client.is_model_ready("iris"))
        finally:
            await client.close()
    assert asyncio.run(calls()) == (True, True, True)


def test_kserve_rest_client_infers_with_json(server):
    tensor = InferInput(name="input", shape=[2, 4], datatype="FP32")
    tensor.set_data_from_numpy(np.array([[5.1, 3.5, 1.4, 0.2], [6.2, 3.4, 5.4, 2.3]], dtype=np.float32),
                               binary_data=False)

    response = infer_rest(server, InferRequest(model_name="iris", infer_inputs=[tensor], request_id="rest"))

    assert labels(response) == ["setosa", "virginica"]
    # (kserve's REST client reads no model_version from an answer; its gRPC client does, above)
    assert (response.model_name, response.id) == ("iris", "rest")
    bad = InferInput(name="input", shape=[1, 3], datatype="FP32")
    bad.set_data_from_numpy(np.array([[1, 2, 3]], dtype=np.float32), binary_data=False)
    with pytest.raises(httpx.HTTPStatusError, match="the model takes 4"):
        infer_rest(server, InferRequest(model_name="iris", infer_inputs=[bad]))


def test_kserve_rest_client_sends_one_tensor_per_feature(server, reference):
    """A table's columns, each its own input named after its feature (as a dataframe is sent), in any order."""
    response = infer_rest(server, InferRequest(model_name="iris", infer_inputs=feature_columns(reference)))

    assert labels(response) == [row["label"] for row in reference]


def test_kserve_rest_client_with_binary_tensors(server, reference):
    async def call(request):
        client = InferenceRESTClient(RESTConfig(protocol="v2"))
        try:
            return await client.infer(f"http://{server}", request, model_name="iris")
        finally:
            await client.close()
    batch = np.array([row["features"] for row in reference], dtype=np.float32)
    tensor = InferInput(name="input", shape=list(batch.shape), datatype="FP32")
    tensor.set_data_from_numpy(batch, binary_data=True)  # sent as application/octet-stream after the JSON

    response = asyncio.run(call(InferRequest(model_name="iris", infer_inputs=[tensor],
                                             parameters={"binary_data_output": True})))

    assert labels(response) == [row["label"] for row in reference]
    probabilities = next(o for o in response.outputs if o.name == "probabilities").as_numpy()
    assert probabilities.shape == (len(reference), 3)


def penguin_inputs(reference, binary_data):
    """One input per feature: BYTES for island and sex (a numpy object array), FP32 for the measurements."""
    inputs = []
    for name, values in penguin_columns(reference).items():
        strings = name in ("island", "sex")
        tensor = InferInput(name=name, shape=[len(values)], datatype="BYTES" if strings else "FP32")
        tensor.set_data_from_numpy(np.array(values, dtype=np.object_ if strings else np.float32),
                                   binary_data=binary_data)
        inputs.append(tensor)
    return inputs


def test_kserve_clients_send_strings_as_bytes_tensors(penguins, penguins_reference):
    expected = [row["label"] for row in penguins_reference]

    over_grpc = infer_grpc(penguins["grpc"], InferRequest(model_name="penguins",
                                                          infer_inputs=penguin_inputs(penguins_reference, True)))
    over_rest = infer_rest(penguins["http"], InferRequest(model_name="penguins",
                                                          infer_inputs=penguin_inputs(penguins_reference, False)),
                           model_name="penguins")

    assert labels(over_grpc) == expected
    assert labels(over_rest) == expected
