"""The seed tutorial's FastAPI service, as written there: joblib-loaded scaler and model, POST /predict and
GET /health. Run: uvicorn fastapi_api:app (MODEL_DIR holds model.pkl and scaler.pkl)."""
import os
from typing import List

import joblib
import numpy as np
from fastapi import FastAPI, HTTPException
from pydantic import BaseModel

model_dir = os.environ.get("MODEL_DIR", ".")
model = joblib.load(os.path.join(model_dir, "model.pkl"))
scaler = joblib.load(os.path.join(model_dir, "scaler.pkl"))

app = FastAPI()


class PredictionRequest(BaseModel):
    features: List[List[float]]


@app.post("/predict")
def predict(request: PredictionRequest):
    try:
        scaled = scaler.transform(np.array(request.features))
        predictions = model.predict(scaled)
        probabilities = model.predict_proba(scaled)
        return {"predictions": predictions.tolist(), "probabilities": probabilities.tolist()}
    except Exception as e:
        raise HTTPException(status_code=400, detail=str(e))


@app.get("/health")
def health():
    return {"status": "healthy"}
