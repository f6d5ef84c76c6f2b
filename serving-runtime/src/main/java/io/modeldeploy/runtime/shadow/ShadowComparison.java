package io.modeldeploy.runtime.shadow;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Two servers' answers to the same prediction request, compared row by row: the rows of a {@code /predict} answer
 * are its {@code predictions}, those of an Open Inference Protocol answer the elements of its first output's
 * {@code data} (the label for the runtime's classifiers, the value for its regressors). Labels agree when they are
 * equal; numbers always yield their absolute difference, and agree when they are equal to 9 significant digits
 * (the same model on another build or machine), so a regressor's versions are judged by the differences.
 *
 * @param agree rows answered alike
 * @param disagree rows answered differently, or present in one answer only
 * @param absoluteErrors the absolute differences of the rows both answered with a number
 */
public record ShadowComparison(int agree, int disagree, List<Double> absoluteErrors) {
    private static final double SAME = 1e-9;

    /** Compares {@code own} (this server's answer) with {@code other} (the shadow's) for the same request. */
    public static ShadowComparison of(JsonNode own, JsonNode other) {
        List<JsonNode> ours = rows(own);
        List<JsonNode> theirs = rows(other);
        int agree = 0;
        var errors = new ArrayList<Double>();
        for (int i = 0; i < Math.min(ours.size(), theirs.size()); i++) {
            JsonNode a = ours.get(i);
            JsonNode b = theirs.get(i);
            if (a.isNumber() && b.isNumber()) {
                double error = Math.abs(a.asDouble() - b.asDouble());
                errors.add(error);
                if (error <= SAME * Math.max(1, Math.abs(a.asDouble()))) {
                    agree++;
                }
            } else if (a.equals(b)) {
                agree++;
            }
        }
        return new ShadowComparison(agree, Math.max(ours.size(), theirs.size()) - agree, List.copyOf(errors));
    }

    /** An answer's rows: a /predict answer's predictions, an OIP answer's first output's data; none otherwise. */
    static List<JsonNode> rows(JsonNode answer) {
        JsonNode rows = answer == null ? null : answer.get("predictions");
        if (rows == null && answer != null && answer.path("outputs").isArray() && !answer.get("outputs").isEmpty()) {
            rows = answer.get("outputs").get(0).get("data");
        }
        var list = new ArrayList<JsonNode>();
        if (rows != null && rows.isArray()) {
            rows.forEach(list::add);
        }
        return list;
    }
}
