"""KServe's Python model server (PyPI kserve) serving the seed's scikit-learn pipeline, as KServe's own sklearn
server does: the request's tensor to a NumPy array, the pipeline's predict, the answer in the request's protocol.
For hack/bench-runtime. Run: python kserve_iris.py PIPELINE HTTP_PORT GRPC_PORT WORKERS (uvicorn processes)"""
import sys

import joblib
from kserve import Model, ModelServer
from kserve.utils.utils import get_predict_input, get_predict_response


class Iris(Model):
    def __init__(self, name, path):
        super().__init__(name)
        self.pipeline = joblib.load(path)
        self.ready = True

    def predict(self, payload, headers=None):
        instances = get_predict_input(payload)
        # Labels as Python strings (object dtype): KServe's encoder refuses NumPy's fixed-width str arrays.
        return get_predict_response(payload, self.pipeline.predict(instances).astype(object), self.name)


if __name__ == "__main__":
    path, http_port, grpc_port, workers = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    ModelServer(http_port=http_port, grpc_port=grpc_port, workers=workers).start([Iris("iris", path)])
