package io.modeldeploy.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test class that runs against a real Kubernetes API server (see {@link KubernetesClusterExtension}). Each test
 * gets its own namespace; test methods may take a {@link io.fabric8.kubernetes.client.KubernetesClient} bound to
 * it, the {@link TestNamespace} and the {@link TestCluster}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("cluster")
@ExtendWith(KubernetesClusterExtension.class)
public @interface ClusterTest {
}
