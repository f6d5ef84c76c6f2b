package io.modeldeploy.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import org.awaitility.core.ConditionTimeoutException;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modeldeploy.testing.ClusterTest;
import io.modeldeploy.testing.Kubectl;
import io.modeldeploy.testing.RealNode;
import io.modeldeploy.testing.RepositoryRoot;
import io.modeldeploy.testing.TestCluster;
import io.modeldeploy.testing.TestNamespace;

/**
 * The operator as users install it: {@code helm install} with the chart's values pointing at a registry, the
 * operator's own image pulled and run by the real node's kubelet, talking to the API server from inside its pod
 * through the {@code kubernetes} Service, and reconciling the Iris example into pods that answer.
 */
@ClusterTest
class OperatorPodIT {
    private static final String CHART = RepositoryRoot.find().resolve("helm/modeldeploy").toString();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Duration LEASE_RENEWALS = Duration.ofSeconds(30);
    /** Not the chart's default (30), so that a default fixed elsewhere shows. */
    private static final int HEAP_PERCENT = 40;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Pattern CODE_POOL = Pattern.compile("id=\"(Code[^\"]*)\"");

    @Test
    void theOperatorInstalledWithHelmRunsInARealPodAndServesTheIrisExample(KubernetesClient client,
            TestNamespace ns, TestCluster cluster) throws IOException, InterruptedException {
        Path values = Files.createTempFile("values-", ".yaml");
        YAML.writeValue(values.toFile(), Map.of(
                "imageRegistry", RealNode.registry(),
                "replicaCount", 1,
                "watchNamespaces", List.of(ns.name()),
                "nodeSelector", RealNode.nodeSelector(),
                "javaMaxRamPercentage", HEAP_PERCENT,
                "tolerations", List.of(Map.of("key", RealNode.TAINT, "operator", "Exists", "effect", "NoSchedule"))));
        String release = "md-" + ns.name().substring(ns.name().length() - 4);
        try {
            // --force-conflicts: the test extension installed the CRD already, with another field manager.
            Kubectl.helm(cluster, "install", release, CHART, "--namespace", ns.name(), "-f", values.toString(),
                    "--wait", "--timeout", "180s", "--force-conflicts").ok();
            Pod operator = client.pods().withLabel("app.kubernetes.io/component", "operator").list().getItems()
                    .get(0);
            assertThat(operator.getSpec().getNodeName()).isEqualTo(RealNode.NAME);
            assertThat(operator.getSpec().getContainers().get(0).getImage())
                    .isEqualTo(RealNode.image("operator"));
            // The chart's heap share reaches the JVM: the image's own default must not override it.
            long limit = Quantity.getAmountInBytes(operator.getSpec().getContainers().get(0).getResources()
                    .getLimits().get("memory")).longValue();
            String metrics = client.services().withName(release + "-modeldeploy-metrics").get().getSpec()
                    .getClusterIP();
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> assertThat(
                    heapMaxBytes(metrics(metrics))).as("the heap's ceiling (jvm_memory_max_bytes) for %d%% of %d bytes",
                            HEAP_PERCENT, limit)
                    .isBetween(0.9 * limit * HEAP_PERCENT / 100, 1.0 * limit * HEAP_PERCENT / 100));
            // And so do its further options (javaOptions): with the JIT's first tier only, the JVM keeps one code
            // cache, where with both tiers it splits it into profiled and optimized code.
            assertThat(codeCachePools(metrics(metrics))).as("the code cache's memory pools (jvm_memory_max_bytes)")
                    .containsExactly("CodeCache");

            Kubectl.kubectl(cluster, ns.name(), "apply", "--server-side", "-f",
                    Manifests.onRealNode(Manifests.example("iris.yaml")).toString()).ok();
            ClusterState.await(cluster, ns.name(), "md/iris", "--for=condition=Ready", "--timeout=180s");
            ServiceTraffic.Answer answer = ServiceTraffic.to(client, "iris").firstAnswer(ServiceTraffic.SEED_REQUEST);
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            assertThat(answer.body()).contains("\"predictions\":[\"setosa\",\"virginica\"]");
            assertThat(Kubectl.kubectl(cluster, ns.name(), "logs", operator.getMetadata().getName()).ok())
                    .as("the operator's own log").contains("started in");

            // The leader renews its Lease every few seconds; one that cannot is gone after the renew deadline
            // (10 s) and its restarts never lead again. Longer than the Lease's duration (15 s), it must stay up.
            String name = operator.getMetadata().getName();
            try {
                await().during(LEASE_RENEWALS).atMost(LEASE_RENEWALS.plusSeconds(15)).until(() -> {
                    Pod now = client.pods().withName(name).get();
                    return now.getStatus().getContainerStatuses().get(0).getRestartCount() == 0
                            && Boolean.TRUE.equals(now.getStatus().getContainerStatuses().get(0).getReady());
                });
            } catch (ConditionTimeoutException e) {
                throw new AssertionError("the operator pod restarted or turned unready: "
                        + ClusterState.describe(cluster, ns.name()), e);
            }
        } finally {
            Kubectl.helm(cluster, "uninstall", release, "--namespace", ns.name(), "--wait");
        }
    }

    /** What the operator reports on its metrics Service (port 8080). */
    private static String metrics(String address) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + address + ":8080/q/metrics"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The sum of the heap pools' maxima. */
    private static double heapMaxBytes(String metrics) {
        return metrics.lines().filter(line -> line.startsWith("jvm_memory_max_bytes{") && line.contains("area=\"heap\""))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    /** The names of the memory pools that hold compiled code ("CodeCache", or "CodeHeap '...'" when split). */
    private static List<String> codeCachePools(String metrics) {
        return metrics.lines().filter(line -> line.startsWith("jvm_memory_max_bytes{"))
                .map(line -> CODE_POOL.matcher(line)).filter(Matcher::find).map(m -> m.group(1))
                .sorted().toList();
    }
}
