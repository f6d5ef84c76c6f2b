package io.modeldeploy.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

import io.modeldeploy.runtime.model.BundleDigest;
import io.modeldeploy.runtime.model.ModelLoadException;
import io.modeldeploy.runtime.model.ModelSource;
import io.modeldeploy.runtime.model.SharedModelCache;

/**
 * Pods that share a volume download a bundle once: the Iris bundle served over real HTTP, the cache on disk, and
 * a cache entry someone changed never served.
 */
class SharedModelCacheTest {
    @TempDir
    Path shared;
    @TempDir
    Path podA;
    @TempDir
    Path podB;

    private final AtomicInteger downloads = new AtomicInteger();
    private final List<String> log = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private String url;
    private String sha256;

    @BeforeEach
    void serveIris() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/iris/", exchange -> {
            Path file = ExampleModels.iris().resolve(Path.of(exchange.getRequestURI().getPath()).getFileName()
                    .toString());
            if (file.getFileName().toString().equals("model.onnx")) {
                downloads.incrementAndGet();
            }
            byte[] body = Files.readAllBytes(file);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort() + "/iris/model.onnx";
        Path iris = ExampleModels.iris();
        sha256 = BundleDigest.of(Files.readAllBytes(iris.resolve("model.json")), "model.onnx",
                iris.resolve("model.onnx"));
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void theFirstPodDownloadsAndTheNextReadsTheCacheEvenWithTheStoreGone() throws IOException {
        var cache = new SharedModelCache(shared, log::add);

        SharedModelCache.Fetched first = cache.locate(sha256, podA, () -> download(podA));
        assertThat(first.fromCache()).isFalse();
        assertThat(downloads).hasValue(1);
        assertThat(shared.resolve(sha256).resolve("model.onnx")).hasSameBinaryContentAs(
                ExampleModels.iris().resolve("model.onnx"));
        assertThat(shared.resolve(sha256).resolve("reference.json")).as("the acceptance gate's rows travel along")
                .exists();

        server.stop(0);
        SharedModelCache.Fetched second = cache.locate(sha256, podB, () -> download(podB));
        assertThat(second.fromCache()).isTrue();
        assertThat(second.located().modelFile()).isEqualTo(shared.resolve(sha256).resolve("model.onnx"));
        assertThat(second.located().config().name()).isEqualTo("iris");
        try (var left = Files.list(shared)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly(sha256);
        }
    }

    @Test
    void anEntrySomeoneChangedIsNeverServedButDownloadedAgainAndReplaced() throws IOException {
        var cache = new SharedModelCache(shared, log::add);
        cache.locate(sha256, podA, () -> download(podA));
        ExampleModels.swapIrisLabels(shared.resolve(sha256));

        SharedModelCache.Fetched again = cache.locate(sha256, podB, () -> download(podB));

        assertThat(again.fromCache()).isFalse();
        assertThat(downloads).hasValue(2);
        assertThat(log).anySatisfy(line -> assertThat(line).contains("is not the bundle " + sha256)
                .contains("checksum mismatch"));
        assertThat(ModelSource.locate(shared.resolve(sha256).toString(), Optional.of(sha256), podB).config().name())
                .as("the entry is whole again").isEqualTo("iris");

        ExampleModels.swapIrisLabels(shared.resolve(sha256));
        server.stop(0);
        assertThatThrownBy(() -> cache.locate(sha256, podB, () -> download(podB)))
                .as("with the store gone too, the pod fails rather than serve the changed bundle")
                .isInstanceOf(ModelLoadException.class).hasMessageStartingWith("cannot reach the model's server: GET "
                        + url + " failed to connect");
    }

    private ModelSource.Located download(Path pod) throws IOException {
        return ModelSource.locate(url, Optional.of(sha256), pod);
    }
}
