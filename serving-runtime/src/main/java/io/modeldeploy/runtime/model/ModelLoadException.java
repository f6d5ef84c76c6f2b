package io.modeldeploy.runtime.model;

import java.io.IOException;

/** The model cannot be served: not found, not verified, or not loadable. The message says which and why. */
public class ModelLoadException extends IOException {
    public ModelLoadException(String message) {
        super(message);
    }
}
