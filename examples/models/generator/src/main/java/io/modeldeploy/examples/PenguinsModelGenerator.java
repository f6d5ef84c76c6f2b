package io.modeldeploy.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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
 * Trains a model that takes strings: a Palmer penguin's species from the island it was seen on and its sex (both
 * categorical, one-hot) and its bill and flipper measurements and body mass (standard-scaled), with Oracle
 * Tribuo's logistic regression, exported to ONNX. Writes model.onnx, model.json (the serving runtime's model
 * config, with the categorical features' values) and reference.json (Tribuo's own prediction for every row).
 *
 * <p>Arguments: output folder, the npm package with penguins.csv (Observable's sample data sets), a scratch folder.
 */
public final class PenguinsModelGenerator {
    /** The features in the order clients send them: the data's columns after the species. */
    static final List<String> FEATURES = List.of("island", "culmen_length_mm", "culmen_depth_mm",
            "flipper_length_mm", "body_mass_g", "sex");
    static final Map<String, List<String>> CATEGORIES = Map.of("island", List.of("Biscoe", "Dream", "Torgersen"),
            "sex", List.of("FEMALE", "MALE"));

    private PenguinsModelGenerator() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        List<Row> rows = load(IrisData.npmFile(args[1], Path.of(args[2]), "penguins.csv"));
        Files.createDirectories(out);

        int width = FEATURES.size();
        Double[] mean = new Double[width];
        Double[] scale = new Double[width];
        for (int f = 0; f < width; f++) {
            if (!CATEGORIES.containsKey(FEATURES.get(f))) {
                final int i = f;
                double m = rows.stream().mapToDouble(r -> (Double) r.features[i]).average().orElseThrow();
                mean[f] = m;
                scale[f] = Math.sqrt(rows.stream().mapToDouble(r -> Math.pow((Double) r.features[i] - m, 2))
                        .average().orElseThrow());
            }
        }

        var examples = new ArrayList<Example<Label>>();
        for (Row row : rows) {
            examples.add(example(row.features, mean, scale, new Label(row.species)));
        }
        var trained = TribuoClassifier.train(examples, "penguins (" + args[1] + ")", out,
                "Penguin species, Tribuo logistic regression (seed 12345)");
        LinearSGDModel model = trained.model();
        List<String> modelInputs = trained.modelInputs();
        List<String> labels = trained.labels();

        var config = new LinkedHashMap<String, Object>();
        config.put("name", "penguins");
        config.put("format", "onnx");
        config.put("file", "model.onnx");
        config.put("description", "Palmer penguin species from island, sex, bill and flipper measurements (mm) and "
                + "body mass (g); Tribuo logistic regression");
        config.put("features", FEATURES);
        config.put("categories", CATEGORIES);
        config.put("scaler", Map.of("mean", Arrays.asList(mean), "scale", Arrays.asList(scale)));
        config.put("modelInputOrder", modelInputs);
        config.put("output", Map.of("type", "classification", "labels", labels, "probabilities", true));
        config.put("trainedWith", TribuoClassifier.TRAINED_WITH);

        var reference = new ArrayList<Map<String, Object>>();
        int agree = 0;
        for (Row row : rows) {
            Prediction<Label> prediction = model.predict(example(row.features, mean, scale,
                    LabelFactory.UNKNOWN_LABEL));
            var probabilities = new LinkedHashMap<String, Double>();
            labels.forEach(l -> probabilities.put(l, prediction.getOutputScores().get(l).getScore()));
            reference.add(Map.of("features", Arrays.asList(row.features), "label",
                    prediction.getOutput().getLabel(), "probabilities", probabilities));
            agree += prediction.getOutput().getLabel().equals(row.species) ? 1 : 0;
        }

        ModelFolder.writeConfigAndReference(out, config, reference);
        System.out.printf("wrote %s: model.onnx, model.json, reference.json (%d rows, %d agree with the data; labels "
                + "%s, inputs %s)%n", out, reference.size(), agree, labels, modelInputs);
    }

    /** A row's numbers scaled and its categorical values one-hot: Tribuo's feature "island=Dream" is 1. */
    private static Example<Label> example(Object[] raw, Double[] mean, Double[] scale, Label label) {
        var names = new ArrayList<String>();
        var values = new ArrayList<Double>();
        for (int f = 0; f < raw.length; f++) {
            String feature = FEATURES.get(f);
            if (CATEGORIES.containsKey(feature)) {
                names.add(feature + "=" + raw[f]);
                values.add(1.0);
            } else {
                names.add(feature);
                values.add(((Double) raw[f] - mean[f]) / scale[f]);
            }
        }
        return new ArrayExample<>(label, names.toArray(String[]::new),
                values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** The rows with every value: the data has a few penguins without measurements or sex. */
    static List<Row> load(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        List<String> header = List.of(lines.get(0).split(","));
        if (!header.equals(List.of("species", "island", "culmen_length_mm", "culmen_depth_mm", "flipper_length_mm",
                "body_mass_g", "sex"))) {
            throw new IOException(csv + " has the columns " + header + ", not the penguins' expected ones");
        }
        var rows = new ArrayList<Row>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            Object[] features = new Object[FEATURES.size()];
            boolean complete = true;
            for (int f = 0; f < features.length; f++) {
                String cell = cells[f + 1];
                List<String> values = CATEGORIES.get(FEATURES.get(f));
                if (values != null) {
                    complete &= values.contains(cell);
                    features[f] = cell;
                } else {
                    complete &= !cell.isEmpty() && !cell.equals("NaN");
                    features[f] = complete ? Double.valueOf(cell) : null;
                }
            }
            if (complete) {
                rows.add(new Row(features, cells[0]));
            }
        }
        if (rows.size() != 333) {
            throw new IOException("expected the 333 complete penguin rows in " + csv + ", found " + rows.size());
        }
        return rows;
    }

    /** One penguin: its features in client order (strings for the categorical ones) and its species. */
    record Row(Object[] features, String species) {
    }
}
