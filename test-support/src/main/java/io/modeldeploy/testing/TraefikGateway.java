package io.modeldeploy.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteGroupKindBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * A real Gateway API implementation for tests: Traefik ({@code hack/testbed traefik}) run as a process on this
 * machine against the test cluster, watching one namespace, with a Gateway named {@value #GATEWAY} there whose one
 * listener ({@value #LISTENER}) is Traefik's entry point on {@link #port()}. Traefik writes the status of the
 * Gateway and its routes as any controller does, and proxies requests to the ready endpoints of the routes'
 * Services (pod addresses, so only pods on the real node answer).
 */
public final class TraefikGateway implements AutoCloseable {
    public static final String CONTROLLER = "traefik.io/gateway-controller";
    public static final String CLASS = "modeldeploy-test-traefik";
    public static final String GATEWAY = "public";
    public static final String LISTENER = "http";
    private static final Duration STARTUP = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final String namespace;
    private final int port;
    private final int pingPort;
    private final Path log;

    private TraefikGateway(Process process, String namespace, int port, int pingPort, Path log) {
        this.process = process;
        this.namespace = namespace;
        this.port = port;
        this.pingPort = pingPort;
        this.log = log;
    }

    /**
     * Creates the GatewayClass (once per cluster) and the Gateway in {@code namespace}, starts Traefik for that
     * namespace, and waits until it has programmed the Gateway.
     *
     * @param log file that receives Traefik's output
     */
    public static TraefikGateway start(TestCluster cluster, KubernetesClient client, String namespace, Path log) {
        try {
            Path binary = Path.of(KwokTestbed.run(RepositoryRoot.find().resolve("hack/testbed"), "traefik").trim());
            Files.createDirectories(log.getParent());
            Path kubeconfig = Files.createTempFile("modeldeploy-traefik-", ".kubeconfig");
            kubeconfig.toFile().deleteOnExit();
            Files.writeString(kubeconfig, cluster.kubeconfig());
            int port = OperatorProcess.freePort();
            int pingPort = OperatorProcess.freePort();
            client.resource(new GatewayClassBuilder().withNewMetadata().withName(CLASS).endMetadata()
                    .withNewSpec().withControllerName(CONTROLLER).endSpec().build()).serverSideApply();
            applyGateway(client, namespace, port, List.of());
            var builder = new ProcessBuilder(List.of(binary.toString(),
                    "--entryPoints.web.address=127.0.0.1:" + port,
                    "--entryPoints.traefik.address=127.0.0.1:" + pingPort,
                    "--ping=true",
                    "--providers.kubernetesgateway=true",
                    "--providers.kubernetesgateway.namespaces=" + namespace,
                    "--global.checkNewVersion=false",
                    "--global.sendAnonymousUsage=false",
                    "--log.level=" + System.getProperty("traefik.log.level", "INFO"),
                    "--accesslog=true",
                    "--log.noColor=true"))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().put("KUBECONFIG", kubeconfig.toString());
            builder.environment().remove("KUBERNETES_SERVICE_HOST");
            var gateway = new TraefikGateway(builder.start(), namespace, port, pingPort, log);
            gateway.awaitProgrammed(client, namespace);
            return gateway;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start Traefik", e);
        }
    }

    /**
     * Lets the Gateway's listener take routes of these kinds only ({@code allowedRoutes.kinds}), as a Gateway's owner
     * does to refuse some; none: the kinds of its protocol (HTTPRoute among them).
     */
    public void allowRouteKinds(KubernetesClient client, String... kinds) {
        applyGateway(client, namespace, port, List.of(kinds));
    }

    private static void applyGateway(KubernetesClient client, String namespace, int port, List<String> kinds) {
        var listener = new ListenerBuilder().withName(LISTENER).withProtocol("HTTP").withPort(port);
        if (!kinds.isEmpty()) {
            listener.withNewAllowedRoutes().withKinds(kinds.stream().map(kind -> new RouteGroupKindBuilder()
                    .withGroup("gateway.networking.k8s.io").withKind(kind).build()).toList()).endAllowedRoutes();
        }
        client.resource(new GatewayBuilder().withNewMetadata().withName(GATEWAY).withNamespace(namespace)
                .endMetadata().withNewSpec().withGatewayClassName(CLASS).withListeners(listener.build())
                .endSpec().build()).serverSideApply();
    }

    private void awaitProgrammed(KubernetesClient client, String namespace) {
        Instant deadline = Instant.now().plus(STARTUP);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Traefik exited with " + process.exitValue() + "; see " + log);
            }
            Gateway gateway = client.resources(Gateway.class).inNamespace(namespace).withName(GATEWAY).get();
            boolean programmed = gateway != null && gateway.getStatus() != null
                    && gateway.getStatus().getConditions() != null && gateway.getStatus().getConditions().stream()
                    .anyMatch(c -> "Programmed".equals(c.getType()) && "True".equals(c.getStatus()));
            if (programmed && pinged()) {
                return;
            }
            OperatorProcess.sleep(Duration.ofMillis(300));
        }
        close();
        throw new IllegalStateException("Traefik did not program Gateway " + namespace + "/" + GATEWAY + " within "
                + STARTUP + "; see " + log);
    }

    private boolean pinged() {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pingPort + "/ping"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The port on 127.0.0.1 of the Gateway's listener: requests sent there go through Traefik's routes. */
    public int port() {
        return port;
    }

    /** The Gateway's base URL on this machine. */
    public URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public Path log() {
        return log;
    }

    /**
     * Freezes Traefik (SIGSTOP), as a Gateway whose controller has fallen behind: it neither reads nor reports a
     * route change until {@link #resume()}. Its data plane freezes too.
     */
    public void pause() {
        signal("-STOP");
    }

    /** Lets a {@link #pause() paused} Traefik run again (SIGCONT). */
    public void resume() {
        signal("-CONT");
    }

    private void signal(String signal) {
        ProcessSignals.send(process.pid(), signal, "Traefik");
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            resume();
            ProcessSignals.stop(process);
        }
    }
}
