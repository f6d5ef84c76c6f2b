package io.modeldeploy.runtime.inference;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

import io.modeldeploy.runtime.config.ModelConfig;

/** Model output rows to answers: argmax with probabilities and labels, top k, or raw regression values. */
public final class Postprocessor {
    private final ModelConfig.Output output;

    public Postprocessor(ModelConfig config) {
        this.output = config.output();
    }

    public List<Prediction> apply(float[][] rows) {
        var predictions = new ArrayList<Prediction>(rows.length);
        for (float[] row : rows) {
            double[] values = IntStream.range(0, row.length).mapToDouble(i -> row[i]).toArray();
            if (!output.classification()) {
                predictions.add(new Prediction(null, null, null, values));
                continue;
            }
            if (values.length != output.labels().size()) {
                throw new IllegalStateException("the model returned " + values.length + " scores for "
                        + output.labels().size() + " labels; check output.labels in the model config");
            }
            int best = IntStream.range(0, values.length).boxed().max(Comparator.comparingDouble(i -> values[i]))
                    .orElseThrow();
            List<Prediction.Ranked> top = output.topK() == null ? null : IntStream.range(0, values.length).boxed()
                    .sorted(Comparator.comparingDouble((Integer i) -> values[i]).reversed())
                    .limit(output.topK())
                    .map(i -> new Prediction.Ranked(output.labels().get(i), values[i]))
                    .toList();
            boolean probabilities = !Boolean.FALSE.equals(output.probabilities());
            predictions.add(new Prediction(output.labels().get(best), probabilities ? values : null, top, null));
        }
        return predictions;
    }
}
