package io.modeldeploy.runtime;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * JUnit 5: serves one example model with the runtime of the module under test, on a loopback port and with a cache
 * folder of its own, for the whole test class. Register it as a static field with {@code @RegisterExtension}.
 */
public final class ServedExampleModel implements BeforeAllCallback, AfterAllCallback {
    private final String name;
    private Path cache;
    private TestRuntime runtime;

    public ServedExampleModel(String name) {
        this.name = name;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        cache = Files.createTempDirectory("modeldeploy-" + name);
        runtime = TestRuntime.start(model(), cache);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        runtime.close();
        try (Stream<Path> files = Files.walk(cache)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    public Path model() {
        return ExampleModels.model(name);
    }

    /** The training library's own prediction for every row (reference.json). */
    public JsonNode reference() {
        return ExampleModels.reference(model());
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return runtime.get(path);
    }

    public HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return runtime.post(path, body);
    }
}
