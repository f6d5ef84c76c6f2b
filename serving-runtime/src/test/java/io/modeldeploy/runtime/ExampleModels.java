package io.modeldeploy.runtime;

import java.nio.file.Files;
import java.nio.file.Path;

/** The example models the example-models module trains in every build (examples/models/). */
final class ExampleModels {
    private ExampleModels() {
    }

    static Path iris() {
        Path root = Path.of(System.getProperty("modeldeploy.root", ".."));
        Path iris = root.resolve("examples/models/iris").toAbsolutePath().normalize();
        if (!Files.isRegularFile(iris.resolve("model.onnx"))) {
            throw new IllegalStateException(iris + " has no model.onnx; build examples/models/generator first "
                    + "(./mvnw install -pl examples/models/generator)");
        }
        return iris;
    }
}
