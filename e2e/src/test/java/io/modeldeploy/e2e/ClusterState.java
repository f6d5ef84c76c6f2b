package io.modeldeploy.e2e;

import java.time.Duration;
import java.util.concurrent.Callable;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import io.modeldeploy.testing.Kubectl;
import io.modeldeploy.testing.TestCluster;

/**
 * What a person would look at when an end-to-end wait times out: the ModelDeployments with their status, the
 * pods and where they run, the namespace's events and the operator's log when it runs in the namespace. Added to
 * the failure, so that a red CI run says why.
 */
final class ClusterState {
    private ClusterState() {
    }

    /** Runs {@code kubectl wait args} in the namespace; on a timeout, fails with the namespace's state. */
    static void await(TestCluster cluster, String namespace, String... args) {
        var command = new String[args.length + 1];
        command[0] = "wait";
        System.arraycopy(args, 0, command, 1, args.length);
        Kubectl.Result result = Kubectl.kubectl(cluster, namespace, command);
        if (result.exitCode() != 0) {
            throw new AssertionError("kubectl wait " + String.join(" ", args) + " failed: " + result.output()
                    + "\n" + describe(cluster, namespace));
        }
    }

    /** Waits until the condition holds; on a timeout, fails with the namespace's state. */
    static void until(TestCluster cluster, String namespace, Duration timeout, Callable<Boolean> condition) {
        try {
            Awaitility.await().atMost(timeout).until(condition);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + "\n" + describe(cluster, namespace), e);
        }
    }

    static String describe(TestCluster cluster, String namespace) {
        return section(cluster, namespace, "get", "md", "-o", "yaml")
                + section(cluster, namespace, "get", "deploy,pods,endpointslices", "-o", "wide")
                + section(cluster, namespace, "get", "events", "--sort-by=.lastTimestamp")
                + section(cluster, namespace, "logs", "-l", "app.kubernetes.io/component=operator", "--tail=100");
    }

    private static String section(TestCluster cluster, String namespace, String... args) {
        return "\n--- kubectl " + String.join(" ", args) + "\n" + Kubectl.kubectl(cluster, namespace, args).output();
    }
}
