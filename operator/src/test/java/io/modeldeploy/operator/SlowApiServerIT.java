package io.modeldeploy.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.operator.status.Conditions;
import io.modeldeploy.testing.SelfSignedTls;

/**
 * An API server that takes longer than a client's usual 10 s to answer a write: at 10,000 ModelDeployments it
 * queued the operator's applies that long (docs/benchmarks.md), and here an admission webhook holds every write of
 * a Service in the test's namespace for {@value #HELD_SECONDS} s before it allows it. The operator waits for the
 * answer, as kubectl and controller-runtime's clients do, instead of giving up, reporting {@code ApplyFailed} and
 * sending the same apply again (which the webhook would hold again, and so on).
 */
@RunningOperator
class SlowApiServerIT {
    static final int HELD_SECONDS = 12;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SelfSignedTls tls = SelfSignedTls.create(tempDir());

    @Test
    void anApplyTheApiServerAnswersAfterTwelveSecondsLandsAtTheFirstAttempt(KubernetesClient client)
            throws Exception {
        String namespace = client.getNamespace();
        Queue<String> held = new ConcurrentLinkedQueue<>();
        HttpsServer webhook = holdingWebhook(held);
        ValidatingWebhookConfiguration configuration = configuration(namespace, webhook.getAddress().getPort(),
                Files.readString(tls.certificate()));
        try {
            client.resource(configuration).create();
            // The API server reads webhook configurations from its own informer: a dry run that the webhook sees
            // (and answers at once) says this one is in force.
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                client.services().resource(new ServiceBuilder().withNewMetadata().withName("probe").endMetadata()
                        .withNewSpec().addNewPort().withPort(80).endPort().endSpec().build()).dryRun().create();
                return held.contains("probe");
            });
            held.clear();

            var iris = new ModelDeployment();
            iris.setMetadata(new ObjectMetaBuilder().withName("iris").build());
            iris.setSpec(ModelDeployments.iris().getSpec());
            client.resource(iris).create();

            ModelDeploymentStates.awaitServes(client, "iris", "1.0.0", Duration.ofMinutes(2));
            List<String> applied = List.copyOf(held);
            List<Event> events = client.v1().events().inNamespace(namespace).list().getItems();
            assertThat(applied).as("Service writes the webhook held %d s each", HELD_SECONDS).isNotEmpty()
                    .doesNotHaveDuplicates();
            assertThat(events).as("events in the namespace")
                    .noneMatch(e -> Conditions.APPLY_FAILED.equals(e.getReason()));
            assertThat(client.resources(ModelDeployment.class).withName("iris").get().getStatus().conditions())
                    .noneMatch(c -> Conditions.APPLY_FAILED.equals(c.getReason()));
        } finally {
            client.resource(configuration).delete();
            webhook.stop(0);
        }
    }

    /**
     * A validating webhook on 127.0.0.1 that allows every request, a Service named {@code probe} at once and any
     * other after {@value #HELD_SECONDS} s; it notes the name of each Service it saw.
     */
    private HttpsServer holdingWebhook(Queue<String> seen) throws IOException {
        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls.serverContext()));
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/validate", exchange -> answer(exchange, seen));
        server.start();
        return server;
    }

    private static void answer(HttpExchange exchange, Queue<String> seen) throws IOException {
        try (exchange) {
            JsonNode review = JSON.readTree(exchange.getRequestBody());
            JsonNode request = review.path("request");
            String name = request.path("name").asText();
            if (!"probe".equals(name)) {
                Thread.sleep(Duration.ofSeconds(HELD_SECONDS).toMillis());
            }
            seen.add(name);
            byte[] body = JSON.writeValueAsBytes(Map.of("apiVersion", "admission.k8s.io/v1",
                    "kind", "AdmissionReview", "response", Map.of("uid", request.path("uid").asText(),
                            "allowed", true)));
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("slow-webhook-tls");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ValidatingWebhookConfiguration configuration(String namespace, int port, String certificate) {
        return new ValidatingWebhookConfigurationBuilder().withNewMetadata().withName("hold-services-" + namespace)
                .endMetadata()
                .addNewWebhook().withName("hold.services.modeldeploy.io").withAdmissionReviewVersions("v1")
                .withSideEffects("None").withFailurePolicy("Fail").withTimeoutSeconds(HELD_SECONDS + 8)
                .withNewClientConfig().withUrl("https://127.0.0.1:" + port + "/validate")
                .withCaBundle(Base64.getEncoder().encodeToString(certificate.getBytes(StandardCharsets.UTF_8)))
                .endClientConfig()
                .withNewNamespaceSelector().addToMatchLabels("kubernetes.io/metadata.name", namespace)
                .endNamespaceSelector()
                .addNewRule().withApiGroups("").withApiVersions("v1").withResources("services")
                .withOperations("CREATE", "UPDATE").endRule()
                .endWebhook().build();
    }
}
