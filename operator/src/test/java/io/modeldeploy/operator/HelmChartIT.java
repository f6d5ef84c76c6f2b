package io.modeldeploy.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.operator.status.Conditions;
import io.modeldeploy.testing.ClusterTest;
import io.modeldeploy.testing.Kubectl;
import io.modeldeploy.testing.OperatorProcess;
import io.modeldeploy.testing.RepositoryRoot;
import io.modeldeploy.testing.TestCluster;
import io.modeldeploy.testing.TestNamespace;

/**
 * The Helm chart with the real helm binary: it lints and renders, rejects typos in values, installs on the test
 * cluster, and its RBAC is exactly what the operator uses: the operator, run as the chart's ServiceAccount,
 * reconciles a ModelDeployment, and the ServiceAccount may do nothing more.
 */
@ClusterTest
class HelmChartIT {
    static final String CHART = RepositoryRoot.find().resolve("helm/modeldeploy").toString();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void chartLintsAndRendersWithDefaultAndNonDefaultValues(TestCluster cluster) throws IOException {
        assertThat(Kubectl.helm(cluster, "lint", "--strict", CHART).ok()).contains("0 chart(s) failed");

        String defaults = Kubectl.helm(cluster, "template", "md", CHART, "--namespace", "ops").ok();
        assertThat(kinds(defaults)).contains("ClusterRole", "ClusterRoleBinding", "Deployment", "ServiceAccount",
                "Service", "Role", "RoleBinding").doesNotContain("PodDisruptionBudget", "ServiceMonitor");
        assertThat(defaults).contains("replicas: 2").contains("runAsNonRoot: true")
                .contains("readOnlyRootFilesystem: true");

        String namespaced = Kubectl.helm(cluster, "template", "md", CHART, "--namespace", "ops",
                "--set", "watchNamespaces={team-a,team-b}", "--set", "podDisruptionBudget.enabled=true",
                "--set", "metrics.serviceMonitor.enabled=true", "--set", "replicaCount=3").ok();
        assertThat(kinds(namespaced)).contains("PodDisruptionBudget", "ServiceMonitor");
        assertThat(namespaced.split("\nkind: ClusterRole\n", -1)).as("one ClusterRole: reading the route CRDs")
                .hasSize(2);
        assertThat(namespaced).contains("name: md-modeldeploy-gateway-api-check")
                .contains("resourceNames: [httproutes.gateway.networking.k8s.io, grpcroutes.gateway.networking.k8s.io]");
        assertThat(namespaced).contains("namespace: team-a").contains("namespace: team-b")
                .contains("value: \"team-a,team-b\"").contains("replicas: 3");

        assertThat(defaults).contains("image: \"ghcr.io/modeldeploy/operator:0.1.0\"")
                .contains("value: \"ghcr.io/modeldeploy/serving-runtime:0.1.0\"");
        String ownRegistry = Kubectl.helm(cluster, "template", "md", CHART, "--namespace", "ops",
                "--set", "imageRegistry=registry.example:5000/ml-platform").ok();
        assertThat(ownRegistry).contains("image: \"registry.example:5000/ml-platform/operator:0.1.0\"")
                .contains("value: \"registry.example:5000/ml-platform/serving-runtime:0.1.0\"");

        assertThat(defaults).contains("- name: MODELDEPLOY_POLICY_SECRET_REFERENCES\n          value: \"false\"")
                .doesNotContain("MODELDEPLOY_POLICY_IMAGES");
        String shared = Kubectl.helm(cluster, "template", "md", CHART, "--namespace", "ops",
                "--set", "policy.images={registry.example.com/models/,ghcr.io/modeldeploy/}",
                "--set", "policy.hostnames={*.models.example.com}", "--set", "policy.tolerationKeys={gpu}").ok();
        assertThat(shared).contains("- name: MODELDEPLOY_POLICY_IMAGES\n          value: "
                        + "\"registry.example.com/models/,ghcr.io/modeldeploy/\"")
                .contains("- name: MODELDEPLOY_POLICY_HOSTNAMES\n          value: \"*.models.example.com\"")
                .contains("- name: MODELDEPLOY_POLICY_TOLERATION_KEYS\n          value: \"gpu\"")
                .doesNotContain("MODELDEPLOY_POLICY_CLAIMS");
        assertThat(defaults).doesNotContain("MODELDEPLOY_REGISTRIES_INSECURE");
        assertThat(Kubectl.helm(cluster, "template", "md", CHART, "--set",
                "registries.insecure={registry.models.svc:5000,10.0.0.7}").ok())
                .contains("- name: MODELDEPLOY_REGISTRIES_INSECURE\n          value: \"registry.models.svc:5000,10.0.0.7\"");

        assertThat(defaults).doesNotContain("MODELDEPLOY_PROMETHEUS_BEARER_TOKEN_FILE")
                .doesNotContain("MODELDEPLOY_PROMETHEUS_USERNAME").doesNotContain("MODELDEPLOY_PROMETHEUS_CA_FILE")
                .doesNotContain("prometheus-credentials");
        assertThat(Kubectl.helm(cluster, "template", "md", CHART, "--set", "prometheus.url=https://thanos:9091",
                "--set", "prometheus.basicAuthSecret=prometheus-auth", "--set", "prometheus.caConfigMap=prom-ca").ok())
                .contains("- name: MODELDEPLOY_PROMETHEUS_USERNAME\n          valueFrom:\n            secretKeyRef:\n"
                        + "              name: \"prometheus-auth\"\n              key: username")
                .contains("- name: MODELDEPLOY_PROMETHEUS_PASSWORD_FILE\n          value: "
                        + "/etc/modeldeploy/prometheus/credentials/password")
                .contains("- name: MODELDEPLOY_PROMETHEUS_CA_FILE\n          value: /etc/modeldeploy/prometheus/ca/ca.crt")
                .contains("- name: prometheus-credentials\n        secret:\n          secretName: \"prometheus-auth\"")
                .contains("- name: prometheus-ca\n        configMap:\n          name: \"prom-ca\"");
        assertThat(Kubectl.helm(cluster, "template", "md", CHART, "--set", "prometheus.serviceAccountToken=true").ok())
                .contains("- name: MODELDEPLOY_PROMETHEUS_BEARER_TOKEN_FILE\n          value: "
                        + "/var/run/secrets/kubernetes.io/serviceaccount/token")
                .doesNotContain("prometheus-credentials");
        var twoCredentials = Kubectl.helm(cluster, "template", "md", CHART, "--set", "prometheus.bearerTokenSecret=t",
                "--set", "prometheus.basicAuthSecret=b");
        assertThat(twoCredentials.exitCode()).isNotZero();
        assertThat(twoCredentials.output()).contains("prometheus: set one of bearerTokenSecret, serviceAccountToken and basicAuthSecret");

        String dashboard = Kubectl.helm(cluster, "template", "md", CHART, "--namespace", "ops",
                "--set", "grafanaDashboard.enabled=true", "--show-only", "templates/grafana-dashboard.yaml").ok();
        JsonNode configMap = YAML.readTree(dashboard.substring(dashboard.indexOf("---")));
        assertThat(configMap.at("/metadata/labels/grafana_dashboard").asText()).isEqualTo("1");
        assertThat(JSON.readTree(configMap.at("/data/modeldeploy.json").asText()))
                .isEqualTo(JSON.readTree(Path.of(CHART, "dashboards/modeldeploy.json").toFile()));
    }

    @Test
    void aTypoInValuesFailsWithAClearMessage(TestCluster cluster) {
        var typo = Kubectl.helm(cluster, "template", "md", CHART, "--set", "image.tagg=1.0");
        assertThat(typo.exitCode()).isNotZero();
        assertThat(typo.output()).contains("at '/image': additional properties 'tagg' not allowed");

        var bad = Kubectl.helm(cluster, "template", "md", CHART, "--set", "replicaCount=0");
        assertThat(bad.exitCode()).isNotZero();
        assertThat(bad.output()).contains("at '/replicaCount': minimum: got 0, want 1");
    }

    @Test
    void theOperatorReconcilesUnderTheChartsServiceAccountWhichMayDoNothingMore(KubernetesClient client,
            TestNamespace ns, TestCluster cluster) throws IOException {
        String release = "md-" + ns.name().substring(ns.name().length() - 4);
        String serviceAccount = "system:serviceaccount:" + ns.name() + ":" + release + "-modeldeploy";
        // The test bed installed the same CRD under its own field manager; Helm 4 applies CRDs server-side, so it
        // takes them over here. On a fresh cluster there is nothing to take over.
        Kubectl.helm(cluster, "install", release, CHART, "--namespace", ns.name(), "--wait", "--timeout", "90s",
                "--force-conflicts", "--set", "watchNamespaces={" + ns.name() + "}").ok();
        try {
            assertThat(client.apps().deployments().withName(release + "-modeldeploy").get().getStatus()
                    .getReadyReplicas()).isEqualTo(2);

            try (OperatorProcess operator = OperatorProcess.start(
                    Path.of(System.getProperty("modeldeploy.operator.jar", "target/quarkus-app/quarkus-run.jar")),
                    cluster, Path.of("target/operator-logs/HelmChartIT.log"), Map.of(
                            "KUBERNETES_IMPERSONATE_USERNAME", serviceAccount,
                            "QUARKUS_OPERATOR_SDK_NAMESPACES", ns.name(),
                            "MODELDEPLOY_LEADER_ELECTION_LEASE_NAMESPACE", ns.name()))) {
                Kubectl.kubectl(cluster, ns.name(), "apply", "-f",
                        RepositoryRoot.find().resolve("examples/iris.yaml").toString()).ok();
                await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
                    ModelDeployment md = client.resources(ModelDeployment.class).withName("iris").get();
                    assertThat(md.getStatus()).isNotNull();
                    assertThat(md.getStatus().conditions()).anySatisfy(c -> {
                        assertThat(c.getType()).isEqualTo(Conditions.READY);
                        assertThat(c.getStatus()).isEqualTo(Conditions.TRUE);
                    });
                });
                String metrics = operator.metrics();
                assertThat(metrics).contains("modeldeploy_reconciliation_errors_total 0.0");
                assertThat(operatorMetricsInTheDashboard()).as("the Grafana dashboard's operator panels")
                        .isNotEmpty().allSatisfy(name -> assertThat(metrics).contains(name));
            }

            var granted = new TreeSet<>(CRD_CHECK);
            granted.addAll(Set.of(
                    "deployments.apps [create delete get list patch update watch]",
                    "endpointslices.discovery.k8s.io [list watch]",
                    "events [create]",
                    "horizontalpodautoscalers.autoscaling [create delete get list patch update watch]",
                    "grpcroutes.gateway.networking.k8s.io [create delete get list patch update watch]",
                    "httproutes.gateway.networking.k8s.io [create delete get list patch update watch]",
                    "leases.coordination.k8s.io [create get patch update]",
                    "modeldeployments.serving.modeldeploy.io [get list watch]",
                    "modeldeployments.serving.modeldeploy.io/scale [get update]",
                    "modeldeployments.serving.modeldeploy.io/status [get patch update]",
                    "pods [get list watch]",
                    "replicasets.apps [list]",
                    "services [create delete get list patch update watch]"));
            assertThat(permissions(cluster, ns.name(), serviceAccount)).isEqualTo(granted);
            assertThat(permissions(cluster, "default", serviceAccount))
                    .as("nothing outside its namespace but reading the route CRDs")
                    .containsExactlyElementsOf(CRD_CHECK);

            // The upgrade of docs/operations.md: the CRD first (helm upgrade leaves crds/ alone), then the release.
            Kubectl.kubectl(cluster, ns.name(), "apply", "--server-side", "--force-conflicts", "-f",
                    Path.of(CHART, "crds").toString()).ok();
            Kubectl.helm(cluster, "upgrade", release, CHART, "--namespace", ns.name(), "--reuse-values",
                    "--set", "replicaCount=3", "--wait", "--timeout", "90s").ok();
            assertThat(client.apps().deployments().withName(release + "-modeldeploy").get().getStatus()
                    .getReadyReplicas()).isEqualTo(3);
        } finally {
            Kubectl.helm(cluster, "uninstall", release, "--namespace", ns.name(), "--wait").ok();
        }
    }

    /** The operator's metric names the chart's Grafana dashboard queries. */
    private static Set<String> operatorMetricsInTheDashboard() throws IOException {
        var names = new TreeSet<String>();
        JSON.readTree(Path.of(CHART, "dashboards/modeldeploy.json").toFile()).findValues("expr").forEach(expr ->
                Pattern.compile("modeldeploy_reconciliation[a-z_]*").matcher(expr.asText()).results()
                        .forEach(m -> names.add(m.group())));
        return names;
    }

    /** Whether the cluster has Gateway API: reading two CRDs, by name. */
    private static final List<String> CRD_CHECK = List.of(
            "customresourcedefinitions.apiextensions.k8s.io [get] grpcroutes.gateway.networking.k8s.io",
            "customresourcedefinitions.apiextensions.k8s.io [get] httproutes.gateway.networking.k8s.io");

    /** What kubectl auth can-i --list grants, without what every authenticated user may do. */
    private static Set<String> permissions(TestCluster cluster, String namespace, String user) {
        String list = Kubectl.kubectl(cluster, namespace, "auth", "can-i", "--list", "--as", user).ok();
        var granted = new TreeSet<String>();
        for (String line : list.lines().skip(1).toList()) {
            if (line.isBlank() || Character.isWhitespace(line.charAt(0))) {
                continue; // non-resource URLs (/api, /healthz, ...) that every authenticated user may read
            }
            String resource = line.trim().split("\\s+")[0];
            if (resource.startsWith("selfsubject")) {
                continue; // every authenticated user may ask what it may do
            }
            String[] lists = line.substring(line.indexOf('[')).split("\\]\\s*");
            String names = lists[1].substring(1).trim();
            String verbs = lists[2].substring(1);
            granted.add(resource + " [" + String.join(" ", new TreeSet<>(Arrays.asList(verbs.split(" ")))) + "]"
                    + (names.isEmpty() ? "" : " " + names));
        }
        return granted;
    }

    private static Set<String> kinds(String manifests) {
        var kinds = new TreeSet<String>();
        Arrays.stream(manifests.split("\n")).filter(l -> l.startsWith("kind: ")).forEach(l -> kinds.add(l.substring(6)));
        return kinds;
    }
}
