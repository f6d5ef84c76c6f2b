package io.modeldeploy.runtime.inference;

import java.util.List;

import io.modeldeploy.runtime.config.ModelConfig;

/**
 * Client rows to model input: checks each row's length and values, scales the features (client order) and puts
 * them in the model's input order.
 */
public final class Preprocessor {
    private final int width;
    private final double[] mean;
    private final double[] scale;
    private final int[] sourceOfInput;
    private final boolean allowNaN;
    private final List<String> features;

    public Preprocessor(ModelConfig config) {
        features = config.features();
        width = features.size();
        mean = config.scaler() == null ? null : config.scaler().mean();
        scale = config.scaler() == null ? null : config.scaler().scale();
        sourceOfInput = config.inputOrder().stream().mapToInt(features::indexOf).toArray();
        allowNaN = config.nanAllowed();
    }

    public int width() {
        return width;
    }

    /** Validates, scales and reorders; {@code rows} are in client feature order. */
    public float[][] apply(double[][] rows) {
        float[][] input = new float[rows.length][width];
        for (int r = 0; r < rows.length; r++) {
            double[] row = rows[r];
            if (row.length != width) {
                throw new BadInput("row " + r + " has " + row.length + " features; the model takes " + width + ": "
                        + String.join(", ", features));
            }
            for (int i = 0; i < width; i++) {
                int source = sourceOfInput[i];
                double x = row[source];
                if (Double.isNaN(x) && !allowNaN) {
                    throw new BadInput("row " + r + ", feature " + features.get(source) + " is NaN, which this model "
                            + "does not accept");
                }
                if (Double.isInfinite(x)) {
                    throw new BadInput("row " + r + ", feature " + features.get(source) + " is infinite");
                }
                input[r][i] = (float) (mean == null ? x : (x - mean[source]) / scale[source]);
            }
        }
        return input;
    }
}
