package io.modeldeploy.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * A real Prometheus for tests ({@code hack/testbed prometheus}), run as a process on this machine, scraping every
 * second. {@link #forServingPods} scrapes the serving pods as a cluster's Prometheus does with a PodMonitor, each
 * pod's runtime port, labelling its series {@code namespace} and {@code pod} (only pods on the real node answer);
 * {@link #forTargets} scrapes fixed addresses.
 */
public final class PrometheusServer implements AutoCloseable {
    private static final Duration STARTUP = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /**
     * What Prometheus' own web server requires of its clients (its {@code --web.config.file}): TLS with this
     * certificate and HTTP basic authentication as {@code username} with {@code password}.
     */
    public record WebSecurity(SelfSignedTls tls, String username, String password) {
    }

    private final Process process;
    private final int port;
    private final Path log;
    private final boolean tls;
    private KubernetesClient client;
    private SharedIndexInformer<Pod> watch;

    private PrometheusServer(Process process, int port, Path log, boolean tls) {
        this.process = process;
        this.port = port;
        this.log = log;
        this.tls = tls;
    }

    /**
     * Starts Prometheus for the serving pods ({@code app.kubernetes.io/managed-by=modeldeploy}) of every namespace
     * and waits until it is ready. Debian's Prometheus is built without Kubernetes service discovery, so the pods are
     * found as that discovery would find them, by a watch on the API server here, and handed to Prometheus' file
     * discovery: each Running pod with an address, at its container port named {@code http}, labelled
     * {@code namespace} and {@code pod}.
     *
     * @param log file that receives Prometheus' output
     */
    public static PrometheusServer forServingPods(TestCluster cluster, Path log) {
        try {
            Path dir = Files.createTempDirectory("modeldeploy-prometheus-");
            Path targets = dir.resolve("pods.json");
            Files.writeString(targets, "[]");
            var server = start(dir, """
                    - job_name: modeldeploy
                      file_sd_configs:
                      - files: [%s]
                        refresh_interval: 1s
                    """.formatted(targets), log, null, "127.0.0.1");
            var pods = new ConcurrentHashMap<String, Pod>();
            server.client = new KubernetesClientBuilder().withConfig(cluster.config()).build();
            server.watch = server.client.pods().inAnyNamespace().withLabel("app.kubernetes.io/managed-by", "modeldeploy")
                    .inform(new ResourceEventHandler<>() {
                        @Override
                        public void onAdd(Pod pod) {
                            pods.put(key(pod), pod);
                            writeTargets(targets, pods.values());
                        }

                        @Override
                        public void onUpdate(Pod before, Pod pod) {
                            onAdd(pod);
                        }

                        @Override
                        public void onDelete(Pod pod, boolean unknownFinalState) {
                            pods.remove(key(pod));
                            writeTargets(targets, pods.values());
                        }
                    });
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start Prometheus", e);
        }
    }

    private static String key(Pod pod) {
        return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    }

    /** Prometheus' file discovery format, written whole and renamed into place so that it never reads half. */
    private static synchronized void writeTargets(Path file, Collection<Pod> pods) {
        var groups = new ArrayList<String>();
        for (Pod pod : pods) {
            if (pod.getStatus() == null || pod.getStatus().getPodIP() == null
                    || !"Running".equals(pod.getStatus().getPhase())) {
                continue;
            }
            pod.getSpec().getContainers().stream().flatMap(c -> c.getPorts().stream())
                    .filter(p -> "http".equals(p.getName())).findFirst().ifPresent(port -> groups.add(
                            "{\"targets\": [\"" + pod.getStatus().getPodIP() + ":" + port.getContainerPort()
                                    + "\"], \"labels\": {\"namespace\": \"" + pod.getMetadata().getNamespace()
                                    + "\", \"pod\": \"" + pod.getMetadata().getName() + "\"}}"));
        }
        try {
            Path written = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(written, "[" + String.join(",\n", groups) + "]");
            Files.move(written, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts Prometheus scraping these {@code host:port} targets every second, each with its own labels (e.g. the
     * {@code namespace} and {@code pod} a pod's series would carry), and waits until it is ready.
     */
    public static PrometheusServer forTargets(Map<String, Map<String, String>> targets, Path log) {
        return forTargets(targets, log, null);
    }

    /**
     * The same, serving its API only over TLS to clients that authenticate as {@code security} says (a Prometheus
     * that a cluster exposes beyond its own network). {@link #url} is then https.
     */
    public static PrometheusServer forTargets(Map<String, Map<String, String>> targets, Path log,
            WebSecurity security) {
        return forTargets(targets, log, security, "127.0.0.1");
    }

    /**
     * The same, listening on {@code listenHost} ({@code 0.0.0.0}: every address of this machine, for a client
     * elsewhere, such as the API server's service proxy); {@code security} may be null.
     */
    public static PrometheusServer forTargets(Map<String, Map<String, String>> targets, Path log,
            WebSecurity security, String listenHost) {
        try {
            var config = new StringBuilder("- job_name: targets\n  static_configs:\n");
            targets.forEach((target, labels) -> {
                config.append("  - targets: ['").append(target).append("']\n    labels: {");
                config.append(labels.entrySet().stream().map(l -> l.getKey() + ": '" + l.getValue() + "'")
                        .collect(java.util.stream.Collectors.joining(", ")));
                config.append("}\n");
            });
            return start(Files.createTempDirectory("modeldeploy-prometheus-"), config.toString(), log, security,
                    listenHost);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start Prometheus", e);
        }
    }

    private static PrometheusServer start(Path dir, String scrapeConfigs, Path log, WebSecurity security,
            String listenHost) throws IOException {
        Path binary = Path.of(KwokTestbed.run(RepositoryRoot.find().resolve("hack/testbed"), "prometheus").trim());
        Files.createDirectories(log.toAbsolutePath().getParent());
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                scrape_configs:
                """ + scrapeConfigs);
        int port = OperatorProcess.freePort();
        var arguments = new ArrayList<>(List.of(binary.toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=" + listenHost + ":" + port,
                "--log.level=" + System.getProperty("prometheus.log.level", "info")));
        if (security != null) {
            Path web = dir.resolve("web.yml");
            // Prometheus keeps only bcrypt hashes of its users' passwords.
            String hash = org.bouncycastle.crypto.generators.OpenBSDBCrypt.generate("2b",
                    security.password().toCharArray(), new java.security.SecureRandom().generateSeed(16), 10);
            Files.writeString(web, """
                    tls_server_config:
                      cert_file: %s
                      key_file: %s
                    basic_auth_users:
                      %s: '%s'
                    """.formatted(security.tls().certificate().toAbsolutePath(), security.tls().key().toAbsolutePath(),
                    security.username(), hash));
            arguments.add("--web.config.file=" + web);
        }
        var builder = new ProcessBuilder(arguments)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().remove("KUBERNETES_SERVICE_HOST");
        var server = new PrometheusServer(builder.start(), port, log, security != null);
        server.awaitReady(security);
        return server;
    }

    /** The port it listens on. */
    public int port() {
        return port;
    }

    /** Its base URL on this machine, e.g. for the operator's Prometheus setting. */
    public URI url() {
        return URI.create((tls ? "https" : "http") + "://127.0.0.1:" + port);
    }

    public Path log() {
        return log;
    }

    private void awaitReady(WebSecurity security) {
        HttpClient http = HTTP;
        String authorization = null;
        if (security != null) {
            http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
                    .sslContext(security.tls().clientContext()).build();
            authorization = "Basic " + java.util.Base64.getEncoder().encodeToString(
                    (security.username() + ":" + security.password()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        Instant deadline = Instant.now().plus(STARTUP);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Prometheus exited with " + process.exitValue() + "; see " + log);
            }
            try {
                var ready = HttpRequest.newBuilder(url().resolve("/-/ready")).timeout(Duration.ofSeconds(2));
                if (authorization != null) {
                    ready.header("Authorization", authorization);
                }
                if (http.send(ready.build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            OperatorProcess.sleep(Duration.ofMillis(300));
        }
        close();
        throw new IllegalStateException("Prometheus was not ready within " + STARTUP + "; see " + log);
    }

    @Override
    public void close() {
        if (watch != null) {
            watch.close();
        }
        if (client != null) {
            client.close();
        }
        ProcessSignals.stop(process);
    }
}
