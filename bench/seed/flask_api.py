"""The seed tutorial's Flask service, as written there. Run: gunicorn -w 4 flask_api:app
(MODEL_DIR holds model.pkl and scaler.pkl)."""
import os

import joblib
import numpy as np
from flask import Flask, jsonify, request

app = Flask(__name__)
model_dir = os.environ.get("MODEL_DIR", ".")
model = joblib.load(os.path.join(model_dir, "model.pkl"))
scaler = joblib.load(os.path.join(model_dir, "scaler.pkl"))


def predict(input_data):
    scaled_data = scaler.transform(input_data)
    predictions = model.predict(scaled_data)
    try:
        probabilities = model.predict_proba(scaled_data)
        return predictions.tolist(), probabilities.tolist()
    except AttributeError:
        return predictions.tolist(), None


@app.route('/predict', methods=['POST'])
def predict_api():
    try:
        data = request.json
        input_features = np.array(data['features'])
        predictions, probabilities = predict(input_features)
        return jsonify({'predictions': predictions, 'probabilities': probabilities}), 200
    except Exception as e:
        return jsonify({'error': str(e)}), 400


@app.route('/health', methods=['GET'])
def health_check():
    return jsonify({'status': 'healthy'}), 200
