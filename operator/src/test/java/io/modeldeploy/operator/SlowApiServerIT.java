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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.modeldeploy.api.v1alpha1.AnalysisSpec;
import io.modeldeploy.api.v1alpha1.CanaryStepSpec;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.api.v1alpha1.ModelDeploymentSpec;
import io.modeldeploy.api.v1alpha1.RolloutSpec;
import io.modeldeploy.operator.resources.Labels;
import io.modeldeploy.operator.status.Conditions;
import io.modeldeploy.testing.SelfSignedTls;

/**
 * An API server that takes longer than a client's usual 10 s to answer a write: at 10,000 ModelDeployments it
 * queued the operator's applies that long (docs/benchmarks.md), and here an admission webhook holds every write of
 * a Service in the test's namespace for {@value #HELD_SECONDS} s before it allows it. The operator waits for the
 * answer, as kubectl and controller-runtime's clients do, instead of giving up, reporting {@code ApplyFailed} and
 * sending the same apply again (which the webhook would hold again, and so on). With the webhook holding Events
 * instead, the status does not wait for them; with it holding the ModelDeployment's status writes, a spec change made
 * meanwhile is not lost; with it holding the Service's update at the start of a shadow step, the canary Deployment
 * waits for it.
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
        try (Holding services = new Holding(client, "", "v1", "services", () -> client.services().resource(new ServiceBuilder()
                .withNewMetadata().withName("probe").endMetadata().withNewSpec().addNewPort().withPort(80).endPort()
                .endSpec().build()).dryRun().create(), "probe")) {
            client.resource(iris()).create();

            ModelDeploymentStates.awaitServes(client, "iris", "1.0.0", Duration.ofMinutes(2));
            List<String> applied = List.copyOf(services.held);
            List<Event> events = client.v1().events().inNamespace(namespace).list().getItems();
            assertThat(applied).as("Service writes the webhook held %d s each", HELD_SECONDS).isNotEmpty()
                    .doesNotHaveDuplicates();
            assertThat(events).as("events in the namespace")
                    .noneMatch(e -> Conditions.APPLY_FAILED.equals(e.getReason()));
            assertThat(client.resources(ModelDeployment.class).withName("iris").get().getStatus().conditions())
                    .noneMatch(c -> Conditions.APPLY_FAILED.equals(c.getReason()));
        }
    }

    /**
     * Events wait for the API server, the status does not: with each Event's create held {@value #HELD_SECONDS} s,
     * the ModelDeployment says it is Ready before the API server has taken its {@code Available} Event (written
     * before the status patch, Ready would come only after it), and the Events are all written later, in order.
     */
    @Test
    void aSlowEventWriteDoesNotHoldTheStatus(KubernetesClient client) throws Exception {
        String namespace = client.getNamespace();
        try (Holding events = new Holding(client, "", "v1", "events", () -> client.v1().events().resource(new EventBuilder()
                .withNewMetadata().withName("probe").endMetadata().withNewInvolvedObject().withKind("Pod")
                .withName("probe").withNamespace(namespace).endInvolvedObject().withReason("Probe").build())
                .dryRun().create(), "Probe")) {
            client.resource(iris()).create();

            ModelDeploymentStates.awaitServes(client, "iris", "1.0.0", Duration.ofMinutes(2));
            assertThat(events.held).as("Events the API server has taken when the status said Ready")
                    .doesNotContain(Conditions.AVAILABLE);
            // The controller manager's and the scheduler's Events are held too.
            await().atMost(Duration.ofSeconds(3 * HELD_SECONDS)).untilAsserted(() -> assertThat(
                    client.v1().events().inNamespace(namespace).withField("involvedObject.kind", "ModelDeployment")
                            .list().getItems()).extracting(Event::getReason)
                    .containsExactlyInAnyOrder("RevisionCreated", Conditions.AVAILABLE));
            assertThat(events.held).as("the operator's Events, in the order it recorded them")
                    .filteredOn(List.of("RevisionCreated", Conditions.AVAILABLE)::contains)
                    .containsExactly("RevisionCreated", Conditions.AVAILABLE);
        }
    }

    /**
     * A spec changed while the operator's status write waits in the API server is reconciled at once, not at the
     * next periodic reconcile (5 minutes). The change is committed before the status write, so the write's answer
     * already carries it, and JOSDK 5.3.2 drops the change's watch event as older than its own write (fixed upstream
     * in 5.3.5, which the reachable Maven Central does not serve). Nothing else here would reconcile: the first change
     * (a canary analysis setting, with no canary running) touches no child object.
     */
    @Test
    void aSpecChangedWhileTheStatusIsWrittenIsReconciled(KubernetesClient client) throws Exception {
        var iris = client.resources(ModelDeployment.class).withName("iris");
        client.resource(ModelDeployments.named("iris", 1)).create();
        ModelDeploymentStates.awaitServes(client, "iris", "1.0.0", Duration.ofMinutes(2));
        try (Holding statusWrites = new Holding(client, ModelDeployment.GROUP, ModelDeployment.VERSION,
                "modeldeployments/status", () -> iris.dryRun().patchStatus(iris.get()), "iris")) {
            iris.patch(PatchContext.of(PatchType.JSON_MERGE),
                    "{\"spec\":{\"rollout\":{\"analysis\":{\"failureThreshold\":4}}}}");
            await().atMost(Duration.ofSeconds(HELD_SECONDS)).until(() -> statusWrites.arrived.contains("iris"));
            iris.patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"replicas\":2}}");

            await().atMost(Duration.ofSeconds(3 * HELD_SECONDS + 20)).untilAsserted(() -> assertThat(
                    client.apps().deployments().withName("iris").get().getSpec().getReplicas())
                    .as("the stable Deployment's replicas").isEqualTo(2));
            assertThat(statusWrites.held).as("status writes the webhook held").contains("iris");
        }
    }

    /**
     * A shadow step's canary answers copies of requests, never clients: the ModelDeployment's Service leaves the
     * canary's pods out before the canary Deployment is made, also when the API server takes its time with the
     * Service's update (here {@value #HELD_SECONDS} s). Were both applied at once, the canary's pods could be Ready
     * first (on the fake nodes they are at once) and the Service would send them clients until its update lands.
     */
    @Test
    void aShadowStepsCanaryIsMadeOnlyOnceTheServiceLeavesItsPodsOut(KubernetesClient client) throws Exception {
        var iris = client.resources(ModelDeployment.class).withName("iris");
        ModelDeployment v1 = ModelDeployments.named("iris", 2);
        v1.setSpec(shadowFirst(ModelDeployments.iris().getSpec()));
        client.resource(v1).create();
        ModelDeploymentStates.awaitServes(client, "iris", "1.0.0", Duration.ofMinutes(2));
        assertThat(client.services().withName("iris").get().getSpec().getSelector()).as("before the rollout")
                .doesNotContainKey(Labels.TRACK);
        var selectorWhenTheCanaryAppeared = new CopyOnWriteArrayList<Map<String, String>>();
        try (Holding services = new Holding(client, "", "v1", "services", () -> client.services().resource(
                new ServiceBuilder().withNewMetadata().withName("probe").endMetadata().withNewSpec().addNewPort()
                        .withPort(80).endPort().endSpec().build()).dryRun().create(), "probe");
                var canary = client.apps().deployments().withName("iris-canary").inform(
                        new ResourceEventHandler<>() {
                            @Override
                            public void onAdd(Deployment deployment) {
                                selectorWhenTheCanaryAppeared.add(
                                        client.services().withName("iris").get().getSpec().getSelector());
                            }

                            @Override
                            public void onUpdate(Deployment before, Deployment after) {
                            }

                            @Override
                            public void onDelete(Deployment deployment, boolean finalStateUnknown) {
                            }
                        })) {
            iris.patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"model\":{\"version\":\"2.0.0\"}}}");

            await().atMost(Duration.ofSeconds(3 * HELD_SECONDS + 20))
                    .until(() -> !selectorWhenTheCanaryAppeared.isEmpty());
            assertThat(selectorWhenTheCanaryAppeared.get(0)).as("the Service's selector when the canary Deployment "
                    + "appeared").containsEntry(Labels.TRACK, Labels.TRACK_STABLE);
            assertThat(services.arrived).as("Service writes that came to the webhook").contains("iris");
        }
    }

    /** The spec with a canary rollout whose first step is a shadow step (an hour), then 50%. */
    private static ModelDeploymentSpec shadowFirst(ModelDeploymentSpec spec) {
        return ModelDeployments.withRollout(spec, new RolloutSpec(RolloutSpec.Strategy.Canary,
                List.of(new CanaryStepSpec(0, "1h", true), new CanaryStepSpec(50, null)), new AnalysisSpec(1, 3, 3),
                spec.rollout().traffic()));
    }

    /**
     * The holding webhook for one resource (of {@code group}/{@code version}), in force from construction (the API server reads
     * webhook configurations from its own informer: a dry run of a probe that the webhook sees, and answers at once,
     * says this one is) until closed; {@link #arrived} notes what came to it since, {@link #held} what it allowed.
     */
    private final class Holding implements AutoCloseable {
        final Queue<String> arrived = new ConcurrentLinkedQueue<>();
        final Queue<String> held = new ConcurrentLinkedQueue<>();
        private final KubernetesClient client;
        private final HttpsServer webhook;
        private final ValidatingWebhookConfiguration configuration;

        Holding(KubernetesClient client, String group, String version, String resource, Runnable dryRunProbe,
                String probeSeen) throws IOException {
            this.client = client;
            webhook = holdingWebhook(arrived, held);
            configuration = configuration(client.getNamespace(), group, version, resource,
                    webhook.getAddress().getPort(), Files.readString(tls.certificate()));
            try {
                client.resource(configuration).create();
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    dryRunProbe.run();
                    return held.contains(probeSeen);
                });
                held.clear();
                arrived.clear();
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }

        @Override
        public void close() {
            client.resource(configuration).delete();
            webhook.stop(0);
        }
    }

    private static ModelDeployment iris() {
        var iris = new ModelDeployment();
        iris.setMetadata(new ObjectMetaBuilder().withName("iris").build());
        iris.setSpec(ModelDeployments.iris().getSpec());
        return iris;
    }

    /**
     * A validating webhook on 127.0.0.1 that allows every request, a dry run at once and any other after
     * {@value #HELD_SECONDS} s; it notes the object's name (an Event's reason) when a request arrives and when it
     * allows it.
     */
    private HttpsServer holdingWebhook(Queue<String> arrived, Queue<String> seen) throws IOException {
        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls.serverContext()));
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/validate", exchange -> answer(exchange, arrived, seen));
        server.start();
        return server;
    }

    private static void answer(HttpExchange exchange, Queue<String> arrived, Queue<String> seen) throws IOException {
        try (exchange) {
            JsonNode review = JSON.readTree(exchange.getRequestBody());
            JsonNode request = review.path("request");
            JsonNode reason = request.path("object").path("reason");
            String name = reason.isMissingNode() ? request.path("name").asText() : reason.asText();
            arrived.add(name);
            if (!request.path("dryRun").asBoolean()) {
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

    /** Holds the creates and updates of one resource in the test's namespace. */
    private static ValidatingWebhookConfiguration configuration(String namespace, String group, String version,
            String resource, int port, String certificate) {
        return new ValidatingWebhookConfigurationBuilder().withNewMetadata()
                .withName("hold-" + resource.replace('/', '-') + "-" + namespace)
                .endMetadata()
                .addNewWebhook().withName("hold." + resource.replace('/', '.') + ".modeldeploy.io")
                .withAdmissionReviewVersions("v1")
                .withSideEffects("None").withFailurePolicy("Fail").withTimeoutSeconds(HELD_SECONDS + 8)
                .withNewClientConfig().withUrl("https://127.0.0.1:" + port + "/validate")
                .withCaBundle(Base64.getEncoder().encodeToString(certificate.getBytes(StandardCharsets.UTF_8)))
                .endClientConfig()
                .withNewNamespaceSelector().addToMatchLabels("kubernetes.io/metadata.name", namespace)
                .endNamespaceSelector()
                .addNewRule().withApiGroups(group).withApiVersions(version).withResources(resource)
                .withOperations("CREATE", "UPDATE").endRule()
                .endWebhook().build();
    }
}
