package io.modeldeploy.runtime.inference;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;

/** A model loaded by a DJL engine, taking one float matrix and returning its first output as a float matrix. */
public final class DjlEngine implements InferenceEngine {
    /** The DJL engine for each model format. */
    static final Map<String, String> ENGINES = Map.of("onnx", "OnnxRuntime", "pytorch", "PyTorch",
            "xgboost", "XGBoost");

    private final ZooModel<NDList, NDList> model;
    private final Predictor<NDList, NDList> predictor;
    private final String engine;

    private DjlEngine(ZooModel<NDList, NDList> model, String engine) {
        this.model = model;
        this.predictor = model.newPredictor();
        this.engine = engine;
    }

    /** Loads {@code file} with the engine for {@code format}; fails with a message that names the cause. */
    public static DjlEngine load(Path file, String format) throws IOException {
        String engine = ENGINES.get(format);
        try {
            var criteria = Criteria.builder()
                    .setTypes(NDList.class, NDList.class)
                    .optModelPath(file)
                    .optEngine(engine)
                    .optTranslator(new NoopTranslator())
                    .build();
            return new DjlEngine(criteria.loadModel(), engine);
        } catch (ModelNotFoundException | MalformedModelException | IllegalArgumentException e) {
            throw new IOException("the " + engine + " engine cannot load model " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public float[][] infer(float[][] batch) {
        try (NDManager manager = model.getNDManager().newSubManager()) {
            NDList output = predictor.predict(new NDList(manager.create(batch)));
            NDArray first = output.get(0);
            long[] shape = first.getShape().getShape();
            float[] flat = first.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
            int columns = shape.length > 1 ? (int) shape[1] : 1;
            float[][] rows = new float[batch.length][columns];
            for (int r = 0; r < batch.length; r++) {
                System.arraycopy(flat, r * columns, rows[r], 0, columns);
            }
            return rows;
        } catch (TranslateException e) {
            throw new IllegalStateException("inference failed in " + engine + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String name() {
        return engine;
    }

    @Override
    public void close() {
        predictor.close();
        model.close();
    }
}
