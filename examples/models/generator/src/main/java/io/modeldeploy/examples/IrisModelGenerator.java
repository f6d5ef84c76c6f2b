package io.modeldeploy.examples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.tribuo.Example;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LinearSGDModel;
import org.tribuo.impl.ArrayExample;

/**
 * Trains the seed tutorial's Iris pipeline with Oracle Tribuo: a standard scaler fitted on the data, then logistic
 * regression, exported to ONNX. Writes model.onnx, model.json (the serving runtime's model config: feature order,
 * scaler, Tribuo's input and label order) and reference.json (Tribuo's own predictions for every row).
 *
 * <p>Arguments: output folder, the npm package with the Iris data, a scratch folder.
 */
public final class IrisModelGenerator {
    /** The feature names, in the order clients send them (the seed's [5.1, 3.5, 1.4, 0.2]). */
    static final List<String> FEATURES = List.of("sepal_length", "sepal_width", "petal_length", "petal_width");

    private IrisModelGenerator() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        List<Row> rows = IrisData.load(args[1], Path.of(args[2]));
        Files.createDirectories(out);

        double[] mean = IrisData.mean(rows);
        double[] scale = IrisData.scale(rows, mean);

        var examples = new ArrayList<Example<Label>>();
        for (Row row : rows) {
            examples.add(example(row.features, mean, scale, new Label(row.label)));
        }
        var trained = TribuoClassifier.train(examples, "iris (" + args[1] + ")", out,
                "Iris species, Tribuo logistic regression (seed 12345)");
        LinearSGDModel model = trained.model();
        List<String> modelInputs = trained.modelInputs();
        List<String> labels = trained.labels();

        var config = new LinkedHashMap<String, Object>();
        config.put("name", "iris");
        config.put("format", "onnx");
        config.put("file", "model.onnx");
        config.put("description", "Iris species from sepal and petal measurements (cm); Tribuo logistic regression");
        config.put("features", FEATURES);
        config.put("scaler", Map.of("mean", mean, "scale", scale));
        config.put("modelInputOrder", modelInputs);
        config.put("output", Map.of("type", "classification", "labels", labels, "probabilities", true));
        config.put("trainedWith", TribuoClassifier.TRAINED_WITH);

        var reference = new ArrayList<Map<String, Object>>();
        for (Row row : rows) {
            Prediction<Label> prediction = model.predict(example(row.features, mean, scale, LabelFactory.UNKNOWN_LABEL));
            var probabilities = new LinkedHashMap<String, Double>();
            labels.forEach(l -> probabilities.put(l, prediction.getOutputScores().get(l).getScore()));
            reference.add(Map.of("features", row.features, "label", prediction.getOutput().getLabel(),
                    "probabilities", probabilities));
        }

        ModelFolder.writeConfigAndReference(out, config, reference);
        System.out.printf("wrote %s: model.onnx, model.json, reference.json (%d rows, labels %s, inputs %s)%n",
                out, reference.size(), labels, modelInputs);
    }

    private static Example<Label> example(double[] raw, double[] mean, double[] scale, Label label) {
        String[] names = FEATURES.toArray(String[]::new);
        double[] scaled = new double[raw.length];
        for (int i = 0; i < raw.length; i++) {
            scaled[i] = (raw[i] - mean[i]) / scale[i];
        }
        return new ArrayExample<>(label, names, scaled);
    }

    /** One measured flower. */
    record Row(double[] features, String label) {
    }

}
