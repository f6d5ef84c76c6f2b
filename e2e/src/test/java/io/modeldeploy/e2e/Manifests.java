package io.modeldeploy.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.modeldeploy.testing.RealNode;
import io.modeldeploy.testing.RepositoryRoot;

/** The ModelDeployment manifests the end-to-end tests apply with kubectl, as a user would. */
final class Manifests {
    static final String CANARY = "iris-rollout";
    static final String ROLLING = "iris-rolling";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private Manifests() {
    }

    /** One of the repository's examples. */
    static Path example(String file) {
        return RepositoryRoot.find().resolve("examples").resolve(file);
    }

    /**
     * The Iris canary: two replicas (so that 50% is one pod of each version), one 50% step without a pause, so
     * that it waits for a promotion. Health is checked every 2 s, shorter than a real pod takes to start (image
     * pull, JVM, model warm-up: 5 to 8 s here): the analysis judges pods once they started, so a slow start is not
     * a failure.
     */
    static Path canary(String version) throws IOException {
        return iris(CANARY, version, 2, CANARY_ROLLOUT);
    }

    /** The rollout of {@link #canary}: one 50% step that waits for a promote, checked every 2 s. */
    private static final String CANARY_ROLLOUT = """
              rollout:
                strategy: Canary
                steps:
                - weight: 50
                analysis:
                  checkIntervalSeconds: 2
                  failureThreshold: 3
                  maxRestarts: 2
            """;

    /**
     * The canary of {@link #canary} routed by the GatewayAPI provider through the listener {@code listener} of the
     * Gateway {@code gateway} in the ModelDeployment's namespace, for every host.
     */
    static Path canaryThroughGateway(String version, String gateway, String listener) throws IOException {
        return iris(CANARY, version, 2, CANARY_ROLLOUT + """
                    traffic:
                      provider: GatewayAPI
                      gateway:
                        name: %s
                        sectionName: %s
                """.formatted(gateway, listener));
    }

    /**
     * Version {@code version} with a canary rollout whose first step is a shadow step of 30 s, then 100%, judged on
     * at least 40 mirrored rows, with the ReplicaRatio traffic provider (the ModelDeployment's Service).
     */
    static Path shadowedCanary(String version) throws IOException {
        return iris(CANARY, version, 2, SHADOW_ROLLOUT);
    }

    /** {@link #shadowedCanary} routed by the GatewayAPI provider through {@code gateway}'s listener {@code listener}. */
    static Path shadowedCanaryThroughGateway(String version, String gateway, String listener) throws IOException {
        return iris(CANARY, version, 2, SHADOW_ROLLOUT + """
                    traffic:
                      provider: GatewayAPI
                      gateway:
                        name: %s
                        sectionName: %s
                """.formatted(gateway, listener));
    }

    private static final String SHADOW_ROLLOUT = """
              rollout:
                strategy: Canary
                steps:
                - weight: 0
                  shadow: true
                  pause: 30s
                - weight: 100
                  pause: 0s
                analysis:
                  checkIntervalSeconds: 2
                  failureThreshold: 3
                  metrics:
                    minRequests: 40
            """;

    /** The Iris model with the default rolling update. */
    static Path rolling(String version, int replicas) throws IOException {
        return iris(ROLLING, version, replicas, "");
    }

    /** The Iris model (the image's /models/iris) as a manifest file, with more of the spec appended. */
    private static Path iris(String name, String version, int replicas, String moreSpec) throws IOException {
        return iris(name, version, replicas, "uri: file:///models/iris", moreSpec);
    }

    /**
     * The Iris model of one replica read from an S3-compatible store: s3://models/iris/model.onnx at
     * {@code endpoint}, with the credentials of the Secret {@code credentialsSecret}.
     */
    static Path irisFromS3(String name, String endpoint, String credentialsSecret) throws IOException {
        return iris(name, "1.0.0", 1, """
                uri: s3://models/iris/model.onnx
                    s3:
                      endpoint: %s
                      credentialsSecret: %s""".formatted(endpoint, credentialsSecret), "");
    }

    /**
     * The Iris model of one replica downloaded from {@code url}, pinned by {@code sha256}, keeping the download in
     * the PersistentVolumeClaim {@code cacheClaim} for the other replicas.
     */
    static Path irisFromHttpWithCache(String name, String url, String sha256, String cacheClaim) throws IOException {
        return iris(name, "1.0.0", 1, """
                uri: %s
                    sha256: %s
                    cacheClaim: %s""".formatted(url, sha256, cacheClaim), "");
    }

    /** The Iris model of one replica with {@code runtime} as its spec.runtime (YAML, indented for runtime). */
    static Path irisWithRuntime(String name, String runtime) throws IOException {
        return iris(name, "1.0.0", 1, """
                  runtime:
                    %s
                """.formatted(runtime));
    }

    /** The Iris model of one replica from an OCI registry, at an {@code oci://} uri (a tag or a digest). */
    static Path irisFromOci(String name, String uri) throws IOException {
        return iris(name, "1.0.0", 1, "uri: " + uri, "");
    }

    /** The Iris model at the given source (spec.model's uri and the fields that go with it, indented for model). */
    private static Path iris(String name, String version, int replicas, String source, String moreSpec)
            throws IOException {
        Path file = Files.createTempFile("md-", ".yaml");
        Files.writeString(file, """
                apiVersion: serving.modeldeploy.io/v1alpha1
                kind: ModelDeployment
                metadata:
                  name: %s
                spec:
                  model:
                    name: iris
                    version: "%s"
                    format: onnx
                    %s
                  replicas: %d
                """.formatted(name, version, source, replicas) + moreSpec);
        return file;
    }

    /**
     * The manifest with spec.scheduling that puts its pods on the test bed's real node, and a runtime image it
     * names taken from the test bed's registry instead of the project's public one.
     */
    static Path onRealNode(Path manifest) throws IOException {
        ObjectNode md = (ObjectNode) YAML.readTree(manifest.toFile());
        ObjectNode spec = (ObjectNode) md.get("spec");
        if (spec.has("runtime") && spec.get("runtime").has("image")) {
            String image = spec.get("runtime").get("image").asText();
            String name = image.substring(image.lastIndexOf('/') + 1, image.lastIndexOf(':'));
            ((ObjectNode) spec.get("runtime")).put("image", RealNode.image(name));
        }
        ObjectNode scheduling = spec.putObject("scheduling");
        scheduling.set("nodeSelector", YAML.valueToTree(RealNode.nodeSelector()));
        scheduling.putArray("tolerations").addObject()
                .put("key", RealNode.TAINT).put("operator", "Exists").put("effect", "NoSchedule");
        Path file = Files.createTempFile("md-", ".yaml");
        YAML.writeValue(file.toFile(), md);
        return file;
    }
}
