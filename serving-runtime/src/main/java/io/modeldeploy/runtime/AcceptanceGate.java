package io.modeldeploy.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.modeldeploy.runtime.inference.ModelService;
import io.modeldeploy.runtime.inference.Prediction;
import io.modeldeploy.runtime.model.ModelLoadException;
import io.modeldeploy.runtime.model.ModelSource;

/**
 * The acceptance gate: before the runtime reports ready, the loaded model answers the bundle's reference dataset
 * ({@value #FILE}: rows of features with the expected label or value) and must agree with it well enough. A model
 * that does not (another feature order, a mis-exported scaler, a regression) never becomes ready: the process
 * exits with the figure as its reason, so a canary is rolled back and a rolling update keeps the old pods, before
 * any request reaches it. The seed tutorial's "evaluate on held-out data before deploying", done on every start.
 *
 * @param minAccuracy the least share of reference rows whose predicted label must equal the expected one
 * @param maxAbsoluteError the largest difference allowed between a regressor's first output and the expected value
 */
public record AcceptanceGate(OptionalDouble minAccuracy, OptionalDouble maxAbsoluteError) {
    /** The reference dataset beside model.json. */
    public static final String FILE = ModelSource.REFERENCE_FILE;
    /** Reference rows per prediction request: within any server's rows-per-request limit. */
    private static final int CHUNK = 500;
    /** No gate. */
    public static final AcceptanceGate NONE = new AcceptanceGate(OptionalDouble.empty(), OptionalDouble.empty());

    public boolean enabled() {
        return minAccuracy.isPresent() || maxAbsoluteError.isPresent();
    }

    /** The gate's verdict as a sentence when it passes; a {@link ModelLoadException} with the figure when not. */
    public Optional<String> check(ModelService model, Path bundle) throws IOException {
        if (!enabled()) {
            return Optional.empty();
        }
        Path file = bundle.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new ModelLoadException("acceptance: no " + FILE + " beside model.json in " + bundle
                    + "; the gate needs the reference rows with their expected answers");
        }
        JsonNode reference = new ObjectMapper().readTree(file.toFile());
        if (!reference.isArray() || reference.isEmpty()) {
            throw new ModelLoadException("acceptance: " + file + " must be a non-empty list of {features, label} or "
                    + "{features, value}");
        }
        double[][] rows = new double[reference.size()][];
        var categories = model.categories();
        for (int r = 0; r < rows.length; r++) {
            JsonNode features = reference.get(r).path("features");
            rows[r] = new double[features.size()];
            for (int i = 0; i < rows[r].length; i++) {
                // A categorical feature's value is a string, held as its code.
                try {
                    rows[r][i] = categories.categorical(i) ? categories.checkedCode(i, features.get(i).asText(),
                            "row " + r + ", value " + i) : features.get(i).asDouble();
                } catch (io.modeldeploy.runtime.inference.BadInput e) {
                    throw new ModelLoadException("acceptance: " + file + " " + e.getMessage());
                }
            }
        }
        List<Prediction> predictions = new java.util.ArrayList<>(rows.length);
        for (int from = 0; from < rows.length; from += CHUNK) {
            try {
                predictions.addAll(model.predict(java.util.Arrays.copyOfRange(rows, from,
                        Math.min(rows.length, from + CHUNK))).join());
            } catch (java.util.concurrent.CompletionException e) {
                throw new ModelLoadException("acceptance: the model cannot answer " + file + " (rows from " + from
                        + "): " + e.getCause().getMessage());
            }
        }
        StringBuilder passed = new StringBuilder();
        if (minAccuracy.isPresent()) {
            int agree = 0;
            for (int r = 0; r < rows.length; r++) {
                if (reference.get(r).path("label").asText("").equals(predictions.get(r).label())) {
                    agree++;
                }
            }
            double accuracy = agree / (double) rows.length;
            String figure = String.format(Locale.ROOT, "the model's accuracy %.3f %s %.3f on %d reference rows",
                    accuracy, accuracy >= minAccuracy.getAsDouble() ? ">=" : "<", minAccuracy.getAsDouble(),
                    rows.length);
            if (accuracy < minAccuracy.getAsDouble()) {
                throw new ModelLoadException("acceptance failed: " + figure + " (" + FILE + ")");
            }
            passed.append(figure);
        }
        if (maxAbsoluteError.isPresent()) {
            double worst = 0;
            for (int r = 0; r < rows.length; r++) {
                double[] values = predictions.get(r).values();
                double expected = reference.get(r).path("value").asDouble(Double.NaN);
                double error = values == null ? Double.NaN : Math.abs(values[0] - expected);
                worst = Double.isNaN(error) || Double.isNaN(worst) ? Double.NaN : Math.max(worst, error);
            }
            String figure = String.format(Locale.ROOT,
                    "the model's max absolute error %.4g %s %.4g on %d reference rows", worst,
                    worst <= maxAbsoluteError.getAsDouble() ? "<=" : ">", maxAbsoluteError.getAsDouble(), rows.length);
            if (!(worst <= maxAbsoluteError.getAsDouble())) {
                throw new ModelLoadException("acceptance failed: " + figure + " (" + FILE + ")");
            }
            passed.append(passed.length() > 0 ? ", " : "").append(figure);
        }
        return Optional.of(passed.toString());
    }
}
