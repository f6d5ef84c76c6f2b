package io.modeldeploy.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import io.fabric8.kubernetes.client.Config;

/** A running Kubernetes control plane that tests talk to. */
public interface TestCluster extends AutoCloseable {

    /** Client configuration for the cluster's API server, with the {@linkplain #kubeconfig() kubeconfig}'s rights. */
    default Config config() {
        return Config.fromKubeconfig(kubeconfig());
    }

    /**
     * Kubeconfig YAML for the cluster's API server (an admin's, unless the implementation says otherwise), for the
     * tests' clients and the processes they start (kubectl, helm, the operator).
     */
    String kubeconfig();

    /** The API server's certificate authority (PEM), as the {@linkplain #config() configuration} names it. */
    default byte[] certificateAuthority() {
        Config config = config();
        if (config.getCaCertData() != null) {
            return Base64.getDecoder().decode(config.getCaCertData());
        }
        try {
            return Files.readAllBytes(Path.of(config.getCaCertFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the cluster's certificate authority " + config.getCaCertFile(),
                    e);
        }
    }

    /** A short description for logs and skip messages, e.g. "kwok testbed v1.36.1". */
    String description();

    /**
     * Freezes one of the control plane's processes (SIGSTOP), e.g. {@code kube-controller-manager}, as a component
     * that has fallen behind: until the returned handle is closed (SIGCONT) it neither reads nor writes anything.
     * Hold it only for seconds, in a try-with-resources: every test on the cluster shares it.
     */
    default Frozen freeze(String component) {
        throw new UnsupportedOperationException(description() + " cannot freeze " + component);
    }

    /** A frozen control-plane process; closing it lets the process run again. */
    interface Frozen extends AutoCloseable {
        @Override
        void close();
    }

    @Override
    default void close() {
    }
}
