package io.modeldeploy.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

import io.modeldeploy.runtime.model.BundleDigest;
import io.modeldeploy.runtime.model.ModelLoadException;
import io.modeldeploy.runtime.model.ModelSource;

/** A model is served only when it is found and its checksum, when given, matches. */
class ModelSourceTest {
    @TempDir
    Path cache;

    @Test
    void theBundleChecksumIsWhatSha256sumPrintsForTheConfigAndTheModelFile() throws Exception {
        String sha = sha256sumOfBundle(ExampleModels.iris(), "model.onnx");

        var located = ModelSource.locate(ExampleModels.iris().toString(), Optional.of(sha), cache);

        assertThat(located.modelFile()).isEqualTo(ExampleModels.iris().resolve("model.onnx"));
        assertThat(located.config().name()).isEqualTo("iris");
    }

    @Test
    void theExampleModelIsTheSameBytesOnEveryBuildSoTheExamplesPinItsRealDigest() throws Exception {
        Path iris = ExampleModels.iris();
        String digest = BundleDigest.of(Files.readAllBytes(iris.resolve("model.json")), "model.onnx",
                iris.resolve("model.onnx"));

        for (String example : List.of("iris-http.yaml", "iris-s3.yaml")) {
            assertThat(Files.readString(ExampleModels.root().resolve("examples").resolve(example)))
                    .as(example).contains("sha256: " + digest + "\n");
        }
        var located = ModelSource.locate(iris.toString(), Optional.of(digest), cache);
        assertThat(located.modelFile()).isEqualTo(iris.resolve("model.onnx"));
    }

    @Test
    void aWrongChecksumRefusesToServeTheModel() {
        assertThatThrownBy(() -> ModelSource.locate(ExampleModels.iris().toString(), Optional.of("0".repeat(64)), cache))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("checksum mismatch: the model bundle (model.json and model.onnx) has SHA-256")
                .hasMessageContaining("expected " + "0".repeat(64))
                .hasMessageEndingWith("; refusing to serve it");
    }

    @Test
    void aConfigChangedUnderTheModelFilesOwnChecksumIsRefused() throws Exception {
        Path bundle = copyOfIris("relabelled");
        String pinned = sha256sumOfBundle(bundle, "model.onnx");
        // Swapping two labels keeps the model file, and its SHA-256, as they were, yet changes every answer.
        ExampleModels.swapIrisLabels(bundle);

        assertThatThrownBy(() -> ModelSource.locate(bundle.toString(), Optional.of(pinned), cache))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("checksum mismatch: the model bundle");
        // The model file's own digest, which verified only the model file before, says what to pin instead.
        String modelFileOnly = ModelSource.sha256(bundle.resolve("model.onnx"));
        assertThatThrownBy(() -> ModelSource.locate(bundle.toString(), Optional.of(modelFileOnly), cache))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining(modelFileOnly + " is the SHA-256 of the model file alone; the checksum must "
                        + "cover model.json too")
                .hasMessageContaining("sha256sum model.json model.onnx | sha256sum");
    }

    /** The bundle digest as the docs tell users to compute it, with coreutils' sha256sum. */
    private static String sha256sumOfBundle(Path folder, String modelFile) throws Exception {
        Process shell = new ProcessBuilder("sh", "-c", "sha256sum model.json " + modelFile + " | sha256sum")
                .directory(folder.toFile()).redirectErrorStream(true).start();
        String out = new String(shell.getInputStream().readAllBytes()).trim();
        assertThat(shell.waitFor()).as(out).isZero();
        return out.substring(0, 64);
    }

    private Path copyOfIris(String name) throws IOException {
        Path folder = Files.createDirectories(cache.resolve(name));
        for (String file : List.of("model.json", "model.onnx")) {
            Files.copy(ExampleModels.iris().resolve(file), folder.resolve(file));
        }
        return folder;
    }

    @Test
    void aMissingModelIsNamed() {
        assertThatThrownBy(() -> ModelSource.locate("/models/none", Optional.empty(), cache))
                .isInstanceOf(ModelLoadException.class).hasMessage("model not found: /models/none does not exist");
    }

    @Test
    void aConfigCannotNameAFileOutsideItsFolder() throws IOException {
        Path folder = Files.createDirectories(cache.resolve("tampered"));
        String config = Files.readString(ExampleModels.iris().resolve("model.json"))
                .replace("\"model.onnx\"", "\"../../../../etc/hostname\"");
        assertThat(config).contains("../../../../etc/hostname");
        Files.writeString(folder.resolve("model.json"), config);

        assertThatThrownBy(() -> ModelSource.locate(folder.toString(), Optional.empty(), cache))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("model.json names the model file '../../../../etc/hostname', which is outside its folder");
    }

    @Test
    void aModelFileIsFoundWithTheConfigBesideIt() throws IOException {
        var located = ModelSource.locate(ExampleModels.iris().resolve("model.onnx").toString(), Optional.empty(), cache);
        assertThat(located.config().features()).hasSize(4);
    }

    @Test
    void anHttpModelIsDownloadedAndVerifiedBeforeUse() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/models/iris/", exchange -> {
            Path file = ExampleModels.iris().resolve(Path.of(exchange.getRequestURI().getPath()).getFileName().toString());
            if (!Files.exists(file)) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            byte[] body = Files.readAllBytes(file);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        // The same files sent chunked, without a Content-Length: the limit holds as the bytes arrive.
        server.createContext("/chunked/iris/", exchange -> {
            Path file = ExampleModels.iris().resolve(Path.of(exchange.getRequestURI().getPath()).getFileName().toString());
            exchange.sendResponseHeaders(200, 0);
            exchange.getResponseBody().write(Files.readAllBytes(file));
            exchange.close();
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/models/iris/model.onnx";
            String sha = sha256sumOfBundle(ExampleModels.iris(), "model.onnx");

            var located = ModelSource.locate(url, Optional.of(sha), cache);
            assertThat(located.modelFile()).startsWith(cache);
            assertThat(ModelSource.sha256(located.modelFile()))
                    .isEqualTo(ModelSource.sha256(ExampleModels.iris().resolve("model.onnx")));

            assertThatThrownBy(() -> ModelSource.locate(url, Optional.of("f".repeat(64)), cache))
                    .hasMessageContaining("checksum mismatch: the model bundle");
            assertThatThrownBy(() -> ModelSource.locate(url.replace("model.onnx", "other.onnx"), Optional.empty(),
                    cache)).hasMessageContaining("model not found: GET").hasMessageContaining("answered 404");

            // A model file larger than the limit is refused before it fills the disk, and nothing of it is kept.
            long size = Files.size(ExampleModels.iris().resolve("model.onnx"));
            Path small = Files.createDirectories(cache.resolve("small"));
            assertThatThrownBy(() -> ModelSource.locate(url, Optional.empty(), small, size - 1))
                    .isInstanceOf(ModelLoadException.class)
                    .hasMessageContaining("sends " + size + " bytes; this server downloads at most " + (size - 1));
            assertThatThrownBy(() -> ModelSource.locate(url.replace("/models/", "/chunked/"), Optional.empty(), small,
                    size - 1)).hasMessageContaining("sends more than " + (size - 1) + " bytes");
            try (var left = Files.walk(small)) {
                assertThat(left.filter(Files::isRegularFile)).isEmpty();
            }
            assertThat(ModelSource.locate(url.replace("/models/", "/chunked/"), Optional.empty(), small, size)
                    .modelFile()).hasSize(size);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void theRuntimeExitsWithTheReasonWhenTheChecksumIsWrong() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                ServingRuntime.class.getName(), "--model", ExampleModels.iris().toString(), "--sha256", "0".repeat(64),
                "--port", "0", "--cache-dir", cache.toString()).redirectErrorStream(true).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(process.getInputStream().readAllBytes());

        assertThat(process.exitValue()).isEqualTo(1);
        assertThat(output).contains("error: checksum mismatch: the model bundle");
    }
}
