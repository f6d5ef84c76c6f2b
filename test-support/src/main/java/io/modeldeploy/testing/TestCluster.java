package io.modeldeploy.testing;

import io.fabric8.kubernetes.client.Config;

/** A running Kubernetes control plane that tests talk to. */
public interface TestCluster extends AutoCloseable {

    /** Client configuration for the cluster's API server, with admin rights. */
    Config config();

    /** Kubeconfig YAML for the same API server, for processes the tests start (kubectl, helm, the operator). */
    String kubeconfig();

    /** A short description for logs and skip messages, e.g. "kwok testbed v1.36.1". */
    String description();

    @Override
    default void close() {
    }
}
