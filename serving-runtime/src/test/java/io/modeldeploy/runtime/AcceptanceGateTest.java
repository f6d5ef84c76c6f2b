package io.modeldeploy.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.modeldeploy.runtime.inference.ModelService;
import io.modeldeploy.runtime.model.ModelLoadException;

/**
 * The acceptance gate on the real Iris model: a bundle that agrees with its reference rows becomes ready; one whose
 * config was exported wrong (two labels swapped: the model file is the same, every setosa is now called virginica)
 * never does, and the process exits with the figure as its reason.
 */
class AcceptanceGateTest {
    @TempDir
    Path cache;

    private RuntimeSettings settings(Path model, double minAccuracy) {
        return new RuntimeSettings(model.toString(), Optional.empty(), Optional.of("2.0.0"), "127.0.0.1", 0, cache,
                new ModelService.BatchingSettings(32, 0, 1000), 1 << 20, Duration.ofSeconds(5))
                .withAcceptance(new AcceptanceGate(OptionalDouble.of(minAccuracy), OptionalDouble.empty()));
    }

    @Test
    void aModelThatAgreesWithItsReferenceRowsBecomesReady() throws Exception {
        try (var runtime = TestRuntime.start(settings(ExampleModels.iris(), 0.99))) {
            assertThat(runtime.get("/v2/health/ready").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aMisExportedConfigNeverBecomesReadyAndSaysHowWrongItIs() throws Exception {
        Path bundle = relabelledIris();

        assertThatThrownBy(() -> TestRuntime.start(settings(bundle, 0.95)))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageMatching("acceptance failed: the model's accuracy 0\\.3\\d\\d < 0\\.950 on 150 "
                        + "reference rows \\(reference\\.json\\)");
    }

    @Test
    void theRuntimeExitsWithTheAcceptanceFigureAsItsReason() throws Exception {
        Path bundle = relabelledIris();
        String java = ProcessHandle.current().info().command().orElse("java");
        var builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                ServingRuntime.class.getName(), "--model", bundle.toString(), "--port", "0", "--cache-dir",
                cache.toString()).redirectErrorStream(true);
        builder.environment().put("MODELDEPLOY_ACCEPTANCE_MIN_ACCURACY", "0.95");
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(process.getInputStream().readAllBytes());

        assertThat(process.exitValue()).as(output).isEqualTo(1);
        assertThat(output).contains("error: acceptance failed: the model's accuracy 0.3");
    }

    @Test
    void aGateWithoutReferenceRowsRefusesToGuess() throws Exception {
        Path bundle = relabelledIris();
        Files.delete(bundle.resolve(AcceptanceGate.FILE));

        assertThatThrownBy(() -> TestRuntime.start(settings(bundle, 0.95)))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("acceptance: no reference.json beside model.json");
    }

    /** The Iris bundle with setosa and virginica swapped in model.json's labels; reference.json as it was. */
    private Path relabelledIris() throws Exception {
        Path bundle = Files.createDirectories(cache.resolve("relabelled"));
        for (String file : List.of("model.json", "model.onnx", AcceptanceGate.FILE)) {
            Files.copy(ExampleModels.iris().resolve(file), bundle.resolve(file));
        }
        ExampleModels.swapIrisLabels(bundle);
        return bundle;
    }
}
