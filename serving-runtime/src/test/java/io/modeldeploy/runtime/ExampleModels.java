package io.modeldeploy.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The example models the example-models module trains in every build (examples/models/), and the repository files
 * tests read. Shared with the engine builds' tests through this module's test jar.
 */
public final class ExampleModels {
    private ExampleModels() {
    }

    /** The repository's root: the build passes it as modeldeploy.root. */
    public static Path root() {
        return Path.of(System.getProperty("modeldeploy.root", "..")).toAbsolutePath().normalize();
    }

    public static Path iris() {
        return model("iris");
    }

    /** The folder of the example model {@code name}, failing with the fix when the build has not made it. */
    public static Path model(String name) {
        Path model = root().resolve("examples/models").resolve(name);
        if (!Files.isRegularFile(model.resolve("model.json"))) {
            throw new IllegalStateException(model + " has no model.json; build examples/models/generator first "
                    + "(./mvnw install -pl examples/models/generator)");
        }
        return model;
    }

    /** The model's reference.json: every Iris row with the training library's own prediction. */
    public static JsonNode reference(Path model) {
        try {
            return new ObjectMapper().readTree(model.resolve("reference.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Swaps setosa and virginica in the Iris bundle's model.json at {@code bundle}: the model file, and its SHA-256,
     * stay as they were, yet every setosa is answered as virginica and the other way round (a mis-exported config).
     */
    public static void swapIrisLabels(Path bundle) {
        try {
            Path file = bundle.resolve("model.json");
            String config = Files.readString(file);
            String swapped = config.replace("\"setosa\"", "\"@\"").replace("\"virginica\"", "\"setosa\"")
                    .replace("\"@\"", "\"virginica\"");
            if (swapped.equals(config)) {
                throw new IllegalStateException(file + " names neither setosa nor virginica");
            }
            Files.writeString(file, swapped);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A seed-style /predict body with every reference row's features. */
    public static String predictBody(JsonNode reference) {
        var rows = new StringBuilder();
        for (JsonNode row : reference) {
            rows.append(rows.isEmpty() ? "" : ",").append(row.get("features"));
        }
        return "{\"features\": [" + rows + "]}";
    }
}
