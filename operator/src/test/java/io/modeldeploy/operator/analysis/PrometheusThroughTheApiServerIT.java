package io.modeldeploy.operator.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.modeldeploy.testing.ClusterTest;
import io.modeldeploy.testing.PrometheusServer;
import io.modeldeploy.testing.TestCluster;
import io.modeldeploy.testing.TestNamespace;

/**
 * A Prometheus reached the way an operator outside its network reaches one: through the API server's service proxy,
 * over TLS with the cluster's authority, authenticated by a service account's bearer token that RBAC allows to
 * proxy to that Service and nothing else. The API server, not a test double, checks the token.
 */
@ClusterTest
class PrometheusThroughTheApiServerIT {

    @Test
    void aServiceAccountsBearerTokenReadsPrometheusThroughTheApiServersServiceProxy(KubernetesClient client,
            TestNamespace ns, TestCluster cluster, @TempDir Path dir) throws Exception {
        String host = machineAddress();
        try (var pods = new PodMetricsServers();
                var prometheus = PrometheusServer.forTargets(Map.of(pods.serve(TrackMetricsTest.EXPOSITION),
                        Map.of("namespace", "models", "pod", "iris-canary-1")),
                        Path.of("target", "prometheus-api-server-proxy.log"), null, "0.0.0.0")) {
            // A Service without a selector whose endpoint is this machine, where Prometheus listens. The API server
            // proxies only to a pod's address: a pod that no scheduler takes stands for Prometheus, its address
            // this machine's.
            client.pods().resource(new PodBuilder().withNewMetadata().withName("prometheus-0").endMetadata()
                    .withNewSpec().withSchedulerName("none").addNewContainer().withName("prometheus")
                    .withImage("prometheus").endContainer().endSpec().build()).create();
            client.pods().withName("prometheus-0").subresource("status").patch(PatchContext.of(
                    PatchType.JSON_MERGE), "{\"status\": {\"podIP\": \"" + host + "\", \"podIPs\": [{\"ip\": \""
                            + host + "\"}]}}");
            client.services().resource(new ServiceBuilder().withNewMetadata().withName("prometheus").endMetadata()
                    .withNewSpec().addNewPort().withName("web").withPort(9090).endPort().endSpec().build()).create();
            client.endpoints().resource(new EndpointsBuilder().withNewMetadata().withName("prometheus").endMetadata()
                    .addNewSubset().addNewAddress().withIp(host).withNewTargetRef().withKind("Pod")
                    .withName("prometheus-0").withNamespace(ns.name()).endTargetRef().endAddress().addNewPort()
                    .withName("web").withPort(prometheus.port()).endPort().endSubset().build()).create();
            Path reader = token(client, "analysis-reader", dir);
            Path stranger = token(client, "stranger", dir);
            client.rbac().roles().resource(new RoleBuilder().withNewMetadata().withName("prometheus-proxy")
                    .endMetadata().addNewRule().withApiGroups("").withResources("services/proxy")
                    .withResourceNames("prometheus", "http:prometheus:web").withVerbs("get", "create").endRule()
                    .build()).create();
            client.rbac().roleBindings().resource(new RoleBindingBuilder().withNewMetadata()
                    .withName("prometheus-proxy").endMetadata().withNewRoleRef().withApiGroup(
                            "rbac.authorization.k8s.io").withKind("Role").withName("prometheus-proxy").endRoleRef()
                    .addNewSubject().withKind("ServiceAccount").withName("analysis-reader")
                    .withNamespace(ns.name()).endSubject().build()).create();
            Path ca = Files.write(dir.resolve("cluster-ca.crt"), cluster.certificateAuthority());
            URI proxy = URI.create(cluster.config().getMasterUrl().replaceAll("/+$", "") + "/api/v1/namespaces/"
                    + ns.name() + "/services/http:prometheus:web/proxy");
            var settings = PrometheusSettings.of(Optional.of(proxy)).trusting(ca);
            var queries = new PrometheusQueries();

            // Until the endpoints reach the proxy (503) and Prometheus has scraped the pod (no series).
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .ignoreExceptionsInstanceOf(java.util.concurrent.CompletionException.class).untilAsserted(() ->
                    assertThat(queries.track(settings.bearer(reader), "models", List.of("iris-canary-1")).join())
                            .isEqualTo(TrackMetrics.parse(TrackMetricsTest.EXPOSITION)));

            assertThat(PrometheusQueriesIT.failure(queries, settings.bearer(stranger)))
                    .startsWith("Prometheus at " + proxy + " answered 403 (forbidden) to the bearer token from "
                            + stranger + ": ")
                    .contains(":stranger\" cannot create resource \"services/proxy\" in API group \"\" in the namespace");
            assertThat(PrometheusQueriesIT.failure(queries, settings)).as("anonymous, refused either way")
                    .containsPattern("^Prometheus at " + java.util.regex.Pattern.quote(proxy.toString())
                            + " answered (401 \\(not authenticated\\)|403 \\(forbidden\\)) to no credentials: ");
        }
    }

    /** A token of a new service account of the test's namespace, in a file. */
    private static Path token(KubernetesClient client, String serviceAccount, Path dir) throws Exception {
        client.serviceAccounts().resource(new ServiceAccountBuilder().withNewMetadata().withName(serviceAccount)
                .endMetadata().build()).create();
        String token = client.serviceAccounts().withName(serviceAccount).tokenRequest(new TokenRequestBuilder()
                .withNewSpec().withExpirationSeconds(3600L).endSpec().build()).getStatus().getToken();
        return Files.writeString(dir.resolve(serviceAccount + ".token"), token + "\n");
    }

    /** An IPv4 address of this machine that the API server can be sent to: not loopback, not link-local. */
    private static String machineAddress() throws SocketException {
        for (NetworkInterface nic : NetworkInterface.networkInterfaces().toList()) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            for (InetAddress address : nic.inetAddresses().toList()) {
                if (address instanceof Inet4Address && !address.isLinkLocalAddress() && !address.isLoopbackAddress()) {
                    return address.getHostAddress();
                }
            }
        }
        throw new IllegalStateException("this machine has no IPv4 address but loopback");
    }
}
