package io.modeldeploy.kubectl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.modeldeploy.api.v1alpha1.CanaryStepSpec;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.operator.ModelDeploymentStates;
import io.modeldeploy.operator.RunningOperator;
import io.modeldeploy.testing.Kubectl;
import io.modeldeploy.testing.RepositoryRoot;
import io.modeldeploy.testing.TestCluster;
import io.modeldeploy.testing.TestNamespace;

/**
 * The plugin against the test cluster with the operator running: what it shows of a canary, and rollouts steered
 * with it, the way a person types the commands. Most commands run in this JVM; one runs through kubectl, which finds
 * the packaged plugin on the PATH.
 */
@RunningOperator
class KubectlPluginIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private Path kubeconfig;
    private String namespace;

    record Run(int exit, String out, String err) {
    }

    @BeforeEach
    void kubeconfig(TestCluster cluster, TestNamespace ns) throws IOException {
        kubeconfig = Files.createTempFile("kubectl-plugin-", ".kubeconfig");
        kubeconfig.toFile().deleteOnExit();
        Files.writeString(kubeconfig, cluster.kubeconfig());
        namespace = ns.name();
    }

    @Test
    void aCanaryIsShownAsATreeAndPromotedThenTheNextIsAbortedAndEveryStepIsInTheHistory(KubernetesClient client) {
        client.resource(iris("1.0.0")).create();
        ModelDeploymentStates.awaitServes(client, "iris", "1.0.0", TIMEOUT);

        Run set = plugin("set", "version", "iris", "2.0.0");
        assertThat(set.exit()).as(set.err()).isZero();
        assertThat(set.out()).isEqualTo("modeldeployment/iris: version set to 2.0.0\n");
        // Events are written in the background and may trail the status (StatusEvents): the last is the pause.
        await().atMost(TIMEOUT).until(() -> "Paused".equals(rolloutPhase(client)) && readyCanaryPods(client) == 1
                && client.v1().events().withField("involvedObject.name", "iris").list().getItems().stream()
                        .anyMatch(e -> "Paused".equals(e.getReason())));

        Run tree = plugin("get", "iris");
        assertThat(tree.exit()).as(tree.err()).isZero();
        List<String> lines = tree.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo("modeldeployment/iris  Paused  model iris 2.0.0 (serving 1.0.0)");
        assertThat(lines.get(1)).as("the Ready condition's reason and message")
                .isEqualTo("  Paused: step 1 at 50% waits for a promote");
        assertThat(lines.get(2)).startsWith("├── stable  deployment/iris  1/1 ready  version 1.0.0  revision ")
                .endsWith("  weight 50%");
        assertThat(lines.get(3)).startsWith("│   └── pod/iris-").endsWith("  Running, ready");
        assertThat(lines.get(4)).startsWith("└── canary  deployment/iris-canary  1/1 ready  version 2.0.0  revision ")
                .endsWith("  weight 50%");
        assertThat(lines.get(5)).startsWith("    └── pod/iris-canary-").endsWith("  Running, ready");
        assertThat(lines.get(6)).isEqualTo("rollout: Paused, step 1 of 1: step 1 at 50% waits for a promote");
        assertThat(lines.get(7)).isEqualTo("last events:");
        assertThat(lines.get(9)).endsWith("  Paused  step 1 at 50% waits for a promote");

        Run table = plugin("get");
        assertThat(table.out()).isEqualTo("""
                NAME   PHASE    VERSION   READY   CANARY
                iris   Paused   2.0.0     1/2     50% (Paused)
                """);

        Run promote = plugin("promote", "iris");
        assertThat(promote.exit()).as(promote.err()).isZero();
        // On fake nodes the stable Deployment may roll to the canary's revision before the plugin reads status.
        assertThat(promote.out()).matches("(?s)modeldeployment/iris: promote applied; rollout (Promoting|Stable): .*");
        Run watched = plugin("watch", "iris", "--until", "Stable", "--timeout", "90s");
        assertThat(watched.exit()).as(watched.err()).isZero();
        assertThat(watched.out()).contains("rollout: Stable: revision ");

        Run nothingToAbort = plugin("abort", "iris");
        assertThat(nothingToAbort.exit()).isEqualTo(KubectlModeldeploy.REFUSED);
        assertThat(nothingToAbort.err()).startsWith("modeldeployment/iris: abort ignored: ");

        assertThat(plugin("set", "version", "iris", "3.0.0").exit()).isZero();
        await().atMost(TIMEOUT).until(() -> "Paused".equals(rolloutPhase(client)));
        Run abort = plugin("abort", "iris");
        assertThat(abort.exit()).as(abort.err()).isZero();
        assertThat(abort.out()).startsWith("modeldeployment/iris: abort applied; rollout RolledBack");

        Run history = plugin("history", "iris");
        assertThat(history.out().lines().map(l -> l.split("  ")[1]).toList())
                .containsSubsequence("Progressing", "Promoting", "Stable", "Progressing", "Aborted");

        Run json = plugin("get", "iris", "-o", "json");
        ModelDeployment read = Serialization.unmarshal(json.out(), ModelDeployment.class);
        assertThat(read.getSpec().model().version()).isEqualTo("3.0.0");
        assertThat(read.getStatus().modelVersion()).isEqualTo("2.0.0");
    }

    @Test
    void aPausedCanaryStaysAtItsStepPastItsPauseUntilResumed(KubernetesClient client) {
        ModelDeployment v1 = iris("1.0.0");
        v1.getSpec().rollout().steps().set(0, new CanaryStepSpec(50, "8s"));
        client.resource(v1).create();
        ModelDeploymentStates.awaitServes(client, "iris", "1.0.0", TIMEOUT);

        assertThat(plugin("set", "version", "iris", "2.0.0").exit()).isZero();
        await().atMost(TIMEOUT).until(() -> "Progressing".equals(rolloutPhase(client)));
        Run pause = plugin("pause", "iris");
        assertThat(pause.exit()).as(pause.err()).isZero();
        assertThat(pause.out()).isEqualTo("modeldeployment/iris: pause applied; rollout Paused: step 1 at 50% "
                + "paused by a person: resume or promote it\n");
        // Held past the step's 8 s pause.
        await().during(Duration.ofSeconds(12)).atMost(Duration.ofSeconds(15))
                .until(() -> "Paused".equals(rolloutPhase(client)));

        Run again = plugin("pause", "iris");
        assertThat(again.exit()).isEqualTo(KubectlModeldeploy.REFUSED);
        assertThat(again.err()).isEqualTo("modeldeployment/iris: pause ignored: the rollout is already paused\n");
        Run resume = plugin("resume", "iris");
        assertThat(resume.exit()).as(resume.err()).isZero();
        assertThat(resume.out()).startsWith("modeldeployment/iris: resume applied; rollout ");
        assertThat(plugin("watch", "iris", "--until", "Stable", "--timeout", "90s").exit()).isZero();
    }

    @Test
    void kubectlFindsThePluginUnpackedFromItsReleaseArchiveAndItsErrorsAreSentencesWithExitCodes(
            TestCluster cluster, KubernetesClient client) throws Exception {
        // One place for every run (not a new temporary folder), so that its class-data archive is replaced, not added.
        Path archive = Path.of(System.getProperty("modeldeploy.plugin.archive"));
        Path unpacked = archive.resolveSibling("release-unpacked");
        if (Files.exists(unpacked)) {
            try (var files = Files.walk(unpacked)) {
                for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            }
        }
        Files.createDirectories(unpacked);
        Process tar = new ProcessBuilder("tar", "xzf", archive.toString(), "-C",
                unpacked.toString(), "--strip-components=1").inheritIO().start();
        assertThat(tar.waitFor()).as("tar xzf of the release archive").isZero();
        Path plugin = unpacked;
        Kubectl.Result listed = Kubectl.withPlugins(cluster, plugin, "plugin", "list");
        assertThat(listed.output()).contains(plugin.resolve("kubectl-modeldeploy").toString());

        // The build's launcher has run (and written its class-data archive) before the installed copy of the same
        // jar runs: each has its own archive, valid for its path, so neither run prints the JVM's warning about an
        // archive it cannot map.
        Path built = RepositoryRoot.find().resolve("kubectl-plugin");
        for (Path place : List.of(built, built, plugin, plugin)) {
            Kubectl.Result missing = Kubectl.withPlugins(cluster, place, "modeldeploy", "get", "absent", "-n",
                    namespace);
            assertThat(missing.exitCode()).as("from %s", place).isEqualTo(KubectlModeldeploy.REFUSED);
            assertThat(missing.output()).as("from %s", place).isEqualTo("error: modeldeployment \"absent\" not "
                    + "found in namespace " + namespace + "\n");
        }

        client.resource(Serialization.unmarshal(new ByteArrayInputStream("""
                apiVersion: serving.modeldeploy.io/v1alpha1
                kind: ModelDeployment
                metadata: {name: rolling}
                spec:
                  model: {name: iris, version: "1.0.0", format: onnx, uri: "file:///models/iris"}
                """.getBytes(StandardCharsets.UTF_8)), ModelDeployment.class)).create();
        Run notACanary = plugin("promote", "rolling");
        assertThat(notACanary.exit()).isEqualTo(KubectlModeldeploy.REFUSED);
        assertThat(notACanary.err()).isEqualTo("modeldeployment/rolling rolls out with RollingUpdate: promote steers "
                + "a Canary rollout (spec.rollout.strategy: Canary)\n");

        Run usage = plugin("get", "absent", "-o", "xml");
        assertThat(usage.exit()).isEqualTo(2);
        assertThat(usage.err()).startsWith("unknown output format 'xml': use json or yaml");
        Run badTimeout = plugin("promote", "absent", "--timeout", "soon");
        assertThat(badTimeout.exit()).isEqualTo(2);
        assertThat(badTimeout.err()).startsWith("'soon' is not a duration: use 30s, 2m or 1h");
    }

    /** The plugin in this JVM, against the test cluster and namespace, as a person would type it. */
    private Run plugin(String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        var line = new ArrayList<>(List.of(args));
        line.addAll(List.of("--kubeconfig", kubeconfig.toString(), "-n", namespace));
        int exit = KubectlModeldeploy.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute(line.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    private static ModelDeployment iris(String version) {
        return Serialization.unmarshal(new ByteArrayInputStream("""
                apiVersion: serving.modeldeploy.io/v1alpha1
                kind: ModelDeployment
                metadata:
                  name: iris
                spec:
                  model: {name: iris, version: "%s", format: onnx, uri: "file:///models/iris"}
                  replicas: 2
                  rollout:
                    strategy: Canary
                    steps: [{weight: 50}]
                    analysis: {checkIntervalSeconds: 1, failureThreshold: 3, maxRestarts: 3}
                """.formatted(version).getBytes(StandardCharsets.UTF_8)), ModelDeployment.class);
    }

    private static String rolloutPhase(KubernetesClient client) {
        var status = client.resources(ModelDeployment.class).withName("iris").get().getStatus();
        return status == null || status.rollout() == null ? null : status.rollout().phase();
    }

    private static long readyCanaryPods(KubernetesClient client) {
        return client.pods().withLabel("serving.modeldeploy.io/track", "canary").list().getItems().stream()
                .filter(p -> p.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())))
                .count();
    }
}
