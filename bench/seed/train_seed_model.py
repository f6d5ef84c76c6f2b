"""Trains the seed tutorial's pipeline with scikit-learn on the same Iris data as the example model: a
StandardScaler and a LogisticRegression, saved with joblib as scaler.pkl and model.pkl, as the seed does."""
import json
import sys

import joblib
import numpy as np
from sklearn.linear_model import LogisticRegression
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
print(f"trained on {len(rows)} rows; classes {list(model.classes_)}")
