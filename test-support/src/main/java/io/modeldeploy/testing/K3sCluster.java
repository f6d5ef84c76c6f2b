package io.modeldeploy.testing;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;


/** k3s in a container through Testcontainers, for machines with a Docker engine. */
public final class K3sCluster implements TestCluster {
    /** The k3s image; override with -Dmodeldeploy.k3s.image. */
    public static final String IMAGE = System.getProperty("modeldeploy.k3s.image", "rancher/k3s:v1.34.1-k3s1");

    private final K3sContainer container;

    private K3sCluster(K3sContainer container) {
        this.container = container;
    }

    /** Whether a Docker engine answers; without one, k3s tests are skipped. */
    public static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            return false;
        }
    }

    public static K3sCluster start() {
        var container = new K3sContainer(DockerImageName.parse(IMAGE));
        container.start();
        return new K3sCluster(container);
    }

    @Override
    public String kubeconfig() {
        return container.getKubeConfigYaml();
    }

    @Override
    public String description() {
        return "k3s " + IMAGE;
    }

    @Override
    public void close() {
        container.stop();
    }
}
