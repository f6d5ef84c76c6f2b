package io.modeldeploy.runtime.inference;

/** Runs the model on a batch of input rows. Called from one thread at a time. */
public interface InferenceEngine extends AutoCloseable {

    float[][] infer(float[][] batch);

    /** The engine's name, e.g. OnnxRuntime. */
    String name();

    @Override
    void close();
}
