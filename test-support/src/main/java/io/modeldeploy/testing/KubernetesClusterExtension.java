package io.modeldeploy.testing;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * Connects cluster tests to a real API server. The cluster is started once per test JVM (the kwok testbed by
 * default, k3s with {@code -Dmodeldeploy.cluster=k3s}), the generated CRDs under {@code crds/generated/} and the
 * Gateway API's standard CRDs (as a cluster with Gateway API support has them) are installed once, and every
 * test runs in a namespace of its own that is deleted afterwards. On the k3s backend
 * without a Docker engine, the tests are skipped with the reason.
 */
public class KubernetesClusterExtension
        implements ExecutionCondition, BeforeEachCallback, AfterEachCallback, ParameterResolver {

    /** Label on every test namespace, so a crashed run's leftovers can be found and removed. */
    public static final String TEST_NAMESPACE_LABEL = "testbed.modeldeploy.io/test";

    private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(
            KubernetesClusterExtension.class);

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (ClusterBackend.selected() == ClusterBackend.K3S && !K3sCluster.dockerAvailable()) {
            return ConditionEvaluationResult.disabled("k3s backend selected (" + ClusterBackend.PROPERTY
                    + "=k3s) but no Docker engine answers here; these tests run on the kwok testbed instead");
        }
        return ConditionEvaluationResult.enabled("cluster backend " + ClusterBackend.selected());
    }

    /** The cluster shared by all tests of this JVM, started on first use. */
    public static TestCluster cluster(ExtensionContext context) {
        return context.getRoot().getStore(STORE)
                .computeIfAbsent(SharedCluster.class, k -> SharedCluster.start(), SharedCluster.class).cluster;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        TestCluster cluster = cluster(context);
        String name = namespaceName(context);
        KubernetesClient client = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder(cluster.config()).withNamespace(name).build()).build();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name)
                .addToLabels(TEST_NAMESPACE_LABEL, "true").endMetadata().build()).create();
        var store = context.getStore(STORE);
        store.put(TestNamespace.class, new TestNamespace(name));
        store.put(KubernetesClient.class, client);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        var store = context.getStore(STORE);
        KubernetesClient client = store.remove(KubernetesClient.class, KubernetesClient.class);
        TestNamespace namespace = store.remove(TestNamespace.class, TestNamespace.class);
        if (client == null) {
            return;
        }
        try (client) {
            if (namespace != null && !Boolean.getBoolean("modeldeploy.keepNamespaces")) {
                client.namespaces().withName(namespace.name()).delete();
            }
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == KubernetesClient.class || type == TestNamespace.class || type == TestCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        if (type == TestCluster.class) {
            return cluster(context);
        }
        Object value = context.getStore(STORE).get(type);
        if (value == null) {
            throw new IllegalStateException(type.getSimpleName() + " is only available in @Test methods");
        }
        return value;
    }

    static String namespaceName(ExtensionContext context) {
        String base = context.getRequiredTestMethod().getName()
                .replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        String suffix = Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36 * 36), 36);
        base = base.length() > 50 ? base.substring(0, 50) : base;
        return ("t-" + base).replaceAll("-+$", "") + "-" + suffix;
    }

    /** The started cluster with the CRDs installed; closed when the test JVM's root context closes. */
    private static final class SharedCluster implements AutoCloseable {
        private final TestCluster cluster;

        private SharedCluster(TestCluster cluster) {
            this.cluster = cluster;
        }

        static SharedCluster start() {
            Path root = RepositoryRoot.find();
            TestCluster cluster = switch (ClusterBackend.selected()) {
                case TESTBED -> KwokTestbed.start(root);
                case K3S -> K3sCluster.start();
            };
            try (KubernetesClient admin = new KubernetesClientBuilder().withConfig(cluster.config()).build()) {
                CrdInstaller.installAll(admin, root.resolve("crds/generated"));
                CrdInstaller.installAll(admin, KwokTestbed.gatewayApiCrds(root));
            }
            return new SharedCluster(cluster);
        }

        @Override
        public void close() {
            cluster.close();
        }
    }
}
