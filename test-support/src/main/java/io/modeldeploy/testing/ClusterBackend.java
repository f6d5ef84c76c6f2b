package io.modeldeploy.testing;

import java.util.Locale;

/**
 * Which control plane the cluster tests run against, chosen with the system property or environment variable
 * {@value #PROPERTY} ({@code MODELDEPLOY_CLUSTER}): {@code testbed} (default) or {@code k3s}.
 */
public enum ClusterBackend {
    /** The local kwok cluster with a real kube-apiserver, started by {@code hack/testbed up}. */
    TESTBED,
    /** k3s in a container through Testcontainers; needs a Docker engine. */
    K3S;

    public static final String PROPERTY = "modeldeploy.cluster";

    public static ClusterBackend selected() {
        String value = System.getProperty(PROPERTY, System.getenv().getOrDefault("MODELDEPLOY_CLUSTER", "testbed"));
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    PROPERTY + "=" + value + " is not a cluster backend; use 'testbed' or 'k3s'", e);
        }
    }
}
