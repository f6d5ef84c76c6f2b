package io.modeldeploy.runtime.inference;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.modeldeploy.runtime.config.ModelConfig;
import io.modeldeploy.runtime.model.ModelSource;

/**
 * The loaded model behind the HTTP layer: request rows in, predictions out, through the pre-processing, the dynamic
 * batcher and the post-processing. Knows nothing about HTTP.
 */
public final class ModelService implements AutoCloseable {
    private final ModelConfig config;
    private final String version;
    private final Preprocessor pre;
    private final Postprocessor post;
    private final DynamicBatcher batcher;
    private final InferenceEngine engine;
    private final int maxRows;
    private final long deadlineMillis;

    public ModelService(ModelSource.Located model, String version, InferenceEngine engine, BatchingSettings batching,
            java.util.function.IntConsumer batchSizes) {
        this.config = model.config();
        this.version = version;
        this.engine = engine;
        this.pre = new Preprocessor(config);
        this.post = new Postprocessor(config);
        this.maxRows = batching.maxRowsPerRequest();
        this.deadlineMillis = batching.deadlineMillis();
        this.batcher = new DynamicBatcher(engine, batching.maxBatchSize(), batching.maxDelayMillis(),
                batching.maxQueued(), batchSizes);
    }

    /**
     * Dynamic batching and request limits.
     *
     * @param deadlineMillis how long a prediction may take from its arrival at the model, queueing included; a later
     *            one is answered as {@link Overloaded} (503) and, if it has not started, never runs
     */
    public record BatchingSettings(int maxBatchSize, long maxDelayMillis, int maxRowsPerRequest, int maxQueued,
            long deadlineMillis) {
        /** How long a prediction may take by default. */
        public static final long DEFAULT_DEADLINE_MILLIS = 30_000;

        public BatchingSettings(int maxBatchSize, long maxDelayMillis, int maxRowsPerRequest) {
            this(maxBatchSize, maxDelayMillis, maxRowsPerRequest, DynamicBatcher.DEFAULT_MAX_QUEUED);
        }

        public BatchingSettings(int maxBatchSize, long maxDelayMillis, int maxRowsPerRequest, int maxQueued) {
            this(maxBatchSize, maxDelayMillis, maxRowsPerRequest, maxQueued, DEFAULT_DEADLINE_MILLIS);
        }
    }

    /** Predicts for the rows (client feature order); fails fast with {@link BadInput} for a bad request. */
    public CompletableFuture<List<Prediction>> predict(double[][] rows) {
        if (rows.length == 0) {
            return CompletableFuture.failedFuture(new BadInput("the batch is empty: send at least one row of "
                    + pre.width() + " features"));
        }
        if (rows.length > maxRows) {
            return CompletableFuture.failedFuture(new BadInput(413, "the batch has " + rows.length
                    + " rows; this server takes at most " + maxRows + " per request"));
        }
        float[][] input;
        try {
            input = pre.apply(rows);
        } catch (BadInput e) {
            return CompletableFuture.failedFuture(e);
        }
        return batcher.submit(input).orTimeout(deadlineMillis, TimeUnit.MILLISECONDS)
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(e instanceof TimeoutException
                        ? new Overloaded("the prediction did not finish within " + deadlineMillis + " ms (the "
                                + "server's deadline); the model is busy: retry shortly")
                        : e))
                .thenApply(post::apply);
    }

    /**
     * One prediction on the scaler's means (all zeros after scaling) and each categorical feature's first value, so
     * the first client pays no warm-up.
     */
    public void warmUp() {
        double[] row = new double[pre.width()];
        for (int f = 0; f < row.length && config.scaler() != null; f++) {
            row[f] = config.scaler().mean()[f] == null ? 0 : config.scaler().mean()[f];
        }
        predict(new double[][] {row}).join();
    }

    /** The model's categorical features: how the request parsers turn their strings into a row's values. */
    public Categories categories() {
        return pre.categories();
    }

    public ModelConfig config() {
        return config;
    }

    public String version() {
        return version;
    }

    public String engineName() {
        return engine.name();
    }

    /** Finishes queued predictions, then releases the engine. */
    @Override
    public void close() {
        batcher.close();
        engine.close();
    }
}
