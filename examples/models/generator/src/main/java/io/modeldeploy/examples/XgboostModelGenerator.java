package io.modeldeploy.examples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;

/**
 * Trains a regression with xgboost4j: an Iris flower's petal width from its sepal length, sepal width and petal
 * length. Writes model.xgb.json (XGBoost's JSON model format), model.json (the serving runtime's model config:
 * the features and a regression output) and reference.json (xgboost4j's own prediction for every row).
 *
 * <p>Arguments: output folder, the npm package with the Iris data, a scratch folder.
 */
public final class XgboostModelGenerator {
    static final List<String> FEATURES = List.of("sepal_length", "sepal_width", "petal_length");

    private XgboostModelGenerator() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        List<IrisModelGenerator.Row> rows = IrisData.load(args[1], Path.of(args[2]));
        Files.createDirectories(out);

        float[] data = new float[rows.size() * FEATURES.size()];
        float[] labels = new float[rows.size()];
        for (int r = 0; r < rows.size(); r++) {
            for (int f = 0; f < FEATURES.size(); f++) {
                data[r * FEATURES.size() + f] = (float) rows.get(r).features()[f];
            }
            labels[r] = (float) rows.get(r).features()[3];
        }
        DMatrix train = new DMatrix(data, rows.size(), FEATURES.size(), Float.NaN);
        train.setLabel(labels);
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("objective", "reg:squarederror");
        params.put("max_depth", 3);
        params.put("eta", 0.3);
        params.put("seed", 42);
        params.put("nthread", 1);
        Booster booster = XGBoost.train(train, params, 40, Map.of(), null, null);
        booster.saveModel(out.resolve("model.xgb.json").toString());
        float[][] predictions = booster.predict(train);

        var config = new LinkedHashMap<String, Object>();
        config.put("name", "iris-petal-width");
        config.put("format", "xgboost");
        config.put("file", "model.xgb.json");
        config.put("description", "Petal width (cm) from sepal length, sepal width and petal length; xgboost4j regression");
        config.put("features", FEATURES);
        config.put("output", Map.of("type", "regression"));
        config.put("trainedWith", "ml.dmlc:xgboost4j_2.12:2.1.4 reg:squarederror, 40 rounds, max_depth 3");

        var reference = new ArrayList<Map<String, Object>>();
        for (int r = 0; r < rows.size(); r++) {
            double[] features = {rows.get(r).features()[0], rows.get(r).features()[1], rows.get(r).features()[2]};
            reference.add(Map.of("features", features, "value", (double) predictions[r][0]));
        }
        ModelFolder.writeConfigAndReference(out, config, reference);
        booster.dispose();
        train.dispose();
        System.out.printf("wrote %s: model.xgb.json, model.json, reference.json (%d rows)%n", out, reference.size());
    }
}
