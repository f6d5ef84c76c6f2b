package io.modeldeploy.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The model's file format, which selects the DJL engine that loads it. */
public enum ModelFormat {
    /** ONNX, loaded by the ONNX Runtime engine. */
    @JsonProperty("onnx")
    ONNX,
    /** TorchScript, loaded by the PyTorch engine. */
    @JsonProperty("pytorch")
    PYTORCH,
    /** XGBoost, loaded by the XGBoost engine. */
    @JsonProperty("xgboost")
    XGBOOST
}
