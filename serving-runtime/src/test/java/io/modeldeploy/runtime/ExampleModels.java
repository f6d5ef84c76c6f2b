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

    /** A seed-style /predict body with every reference row's features. */
    public static String predictBody(JsonNode reference) {
        var rows = new StringBuilder();
        for (JsonNode row : reference) {
            rows.append(rows.isEmpty() ? "" : ",").append(row.get("features"));
        }
        return "{\"features\": [" + rows + "]}";
    }
}
