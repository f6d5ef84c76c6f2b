"""Trains the seed tutorial's pipeline with scikit-learn on the same Iris data as the example model: a
StandardScaler and a LogisticRegression, saved with joblib as scaler.pkl and model.pkl, as the seed does (and as one pipeline.joblib for the model servers
that hack/bench-runtime compares on the Open Inference Protocol)."""
import json
import sys

import joblib
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

data_file, out = sys.argv[1], sys.argv[2]
rows = json.load(open(data_file))
X = np.array([r[:4] for r in rows], dtype=float)
y = np.array([r[4] for r in rows])

scaler = StandardScaler()
scaler.fit(X)
model = LogisticRegression(max_iter=1000)
model.fit(scaler.transform(X), y)

joblib.dump(scaler, f"{out}/scaler.pkl")
joblib.dump(model, f"{out}/model.pkl")
# The same two steps as one scikit-learn pipeline, the file MLServer's and KServe's sklearn servers load.
joblib.dump(make_pipeline(scaler, model), f"{out}/pipeline.joblib")
print(f"trained on {len(rows)} rows; classes {list(model.classes_)}")
