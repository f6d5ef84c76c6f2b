package io.modeldeploy.runtime.inference;

import java.util.List;

import io.modeldeploy.runtime.config.ModelConfig;

/**
 * Client rows to model input: checks each row's length and values, scales the numeric features (client order),
 * turns each categorical feature's code (see {@link Categories}) into its one-hot inputs, and puts the inputs in the
 * model's order.
 */
public final class Preprocessor {
    private final int width;
    private final int inputs;
    private final double[] mean;
    private final double[] scale;
    /** Per model input: the client feature it comes from. */
    private final int[] sourceOfInput;
    /** Per model input: the code that sets it to 1 when it is a categorical feature's, else -1. */
    private final int[] codeOfInput;
    private final boolean allowNaN;
    private final List<String> features;
    private final Categories categories;

    public Preprocessor(ModelConfig config) {
        features = config.features();
        categories = new Categories(config);
        width = features.size();
        allowNaN = config.nanAllowed();
        if (config.scaler() != null) {
            mean = new double[width];
            scale = new double[width];
            for (int f = 0; f < width; f++) {
                mean[f] = categories.categorical(f) ? 0 : config.scaler().mean()[f];
                scale[f] = categories.categorical(f) ? 1 : config.scaler().scale()[f];
            }
        } else {
            mean = null;
            scale = null;
        }
        // Each one-hot input's feature and code, by its name: one pass over the values, not one per input.
        var oneHotInputs = new java.util.HashMap<String, int[]>();
        for (int f = 0; f < width; f++) {
            for (int c = 0; categories.categorical(f) && c < categories.size(f); c++) {
                oneHotInputs.put(ModelConfig.oneHotInput(features.get(f), categories.value(f, c)), new int[] {f, c});
            }
        }
        List<String> order = config.inputOrder();
        inputs = order.size();
        sourceOfInput = new int[inputs];
        codeOfInput = new int[inputs];
        for (int i = 0; i < inputs; i++) {
            String input = order.get(i);
            int feature = features.indexOf(input);
            codeOfInput[i] = -1;
            if (feature < 0) { // a categorical feature's value: feature=value
                int[] oneHot = oneHotInputs.get(input);
                feature = oneHot[0];
                codeOfInput[i] = oneHot[1];
            }
            sourceOfInput[i] = feature;
        }
    }

    /** The number of features a client row has. */
    public int width() {
        return width;
    }

    public Categories categories() {
        return categories;
    }

    /** Validates, scales, encodes and reorders; {@code rows} are in client feature order. */
    public float[][] apply(double[][] rows) {
        float[][] input = new float[rows.length][inputs];
        for (int r = 0; r < rows.length; r++) {
            double[] row = rows[r];
            if (row.length != width) {
                throw new BadInput("row " + r + " has " + row.length + " features; the model takes " + width + ": "
                        + String.join(", ", features));
            }
            for (int i = 0; i < inputs; i++) {
                int source = sourceOfInput[i];
                double x = row[source];
                if (codeOfInput[i] >= 0) {
                    if (x != Math.rint(x) || x < 0 || x >= categories.size(source)) {
                        throw new BadInput("row " + r + ", feature " + features.get(source) + " holds no value of "
                                + "the feature's categories");
                    }
                    input[r][i] = x == codeOfInput[i] ? 1 : 0;
                    continue;
                }
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
