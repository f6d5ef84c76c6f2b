package io.modeldeploy.testing;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;

/**
 * The test bed's real node: a kubelet with containerd that runs real containers, next to kwok's fake nodes, and
 * the local OCI registry it pulls the project's images from ({@code hack/images}). Its taint keeps every pod off it
 * that does not ask for it, so tests choose: fake nodes for scale and state machines, this node for end-to-end
 * behaviour (a pod asks with {@link #nodeSelector()} and {@link #toleration()}).
 */
public final class RealNode {
    /** The node's name (hack/testbed-node.sh). */
    public static final String NAME = "modeldeploy-real";
    public static final String LABEL = "testbed.modeldeploy.io/node";
    public static final String LABEL_VALUE = "real";
    public static final String TAINT = "testbed.modeldeploy.io/real-node";

    private RealNode() {
    }

    /** The node selector that picks the real node. */
    public static Map<String, String> nodeSelector() {
        return Map.of(LABEL, LABEL_VALUE);
    }

    /** The toleration of the real node's NoSchedule taint. */
    public static Toleration toleration() {
        return new TolerationBuilder().withKey(TAINT).withOperator("Exists").withEffect("NoSchedule").build();
    }

    public static List<Toleration> tolerations() {
        return List.of(toleration());
    }

    /** The local registry's address as the node pulls from it, e.g. {@code localhost:5000}. */
    public static String registry() {
        return KwokTestbed.run(RepositoryRoot.find().resolve("hack/testbed"), "registry").trim();
    }

    /** This machine's address as the real node's pods reach it, for a server a test runs here. */
    public static String hostFromPods() {
        return KwokTestbed.run(RepositoryRoot.find().resolve("hack/testbed"), "host-from-pods").trim();
    }

    /**
     * The reference of one of the project's images in the local registry, e.g.
     * {@code localhost:5000/serving-runtime:0.1.0}; {@code hack/images testbed} (run by the build before the
     * end-to-end tests) pushed it there.
     */
    public static String image(String name) {
        Path script = RepositoryRoot.find().resolve("hack/images");
        String tagged = KwokTestbed.run(script, "list").lines()
                .filter(line -> line.startsWith(name + ":")).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("hack/images builds no image named " + name));
        return registry() + "/" + tagged;
    }

    /**
     * Publishes a model bundle folder to the local registry as {@code repositoryAndTag} with
     * {@code hack/publish-model oci}, as a user would, and returns the pinned uri it prints
     * ({@code oci://localhost:5000/<repository>@sha256:…}).
     */
    public static String publishModel(Path bundle, String repositoryAndTag) {
        return KwokTestbed.run(RepositoryRoot.find().resolve("hack/publish-model"), "oci", bundle.toString(),
                registry() + "/" + repositoryAndTag, "--insecure").lines().findFirst().orElseThrow();
    }
}
