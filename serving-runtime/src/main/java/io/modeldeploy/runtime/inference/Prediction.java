package io.modeldeploy.runtime.inference;

import java.util.List;

/**
 * The answer for one row.
 *
 * @param label the predicted label (classification), or null
 * @param probabilities the probabilities in the order of the model's labels (classification), or null
 * @param top the most probable labels, best first, when the model config asks for top k
 * @param values the raw output values (regression), or null
 */
public record Prediction(String label, double[] probabilities, List<Ranked> top, double[] values) {

    /** One label of a top-k answer. */
    public record Ranked(String label, double probability) {
    }
}
