package io.modeldeploy.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;


/**
 * The local test cluster of {@code hack/testbed}: real kube-apiserver, controller manager, scheduler and etcd with
 * kwok's fake nodes and one real node ({@link RealNode}). Starting it is idempotent, so a cluster that is already up
 * is reused.
 */
public final class KwokTestbed implements TestCluster {
    private final String kubeconfig;
    private final String version;
    /** Where kwokctl keeps the cluster's files; its control plane's process ids are in {@code pids/}. */
    private final Path clusterDir;

    private KwokTestbed(String kubeconfig, String version, Path clusterDir) {
        this.kubeconfig = kubeconfig;
        this.version = version;
        this.clusterDir = clusterDir;
    }

    /** Runs {@code hack/testbed up} (which builds the binaries on a cold machine) and connects to the cluster. */
    public static KwokTestbed start(Path root) {
        Path script = root.resolve("hack/testbed");
        run(script, "up");
        Path kubeconfigFile = Path.of(run(script, "kubeconfig").trim());
        try {
            return new KwokTestbed(Files.readString(kubeconfigFile), run(script, "version").trim(),
                    kubeconfigFile.getParent());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the test cluster's kubeconfig " + kubeconfigFile, e);
        }
    }

    /** Deletes the test cluster, if one runs, and starts a new one ({@code hack/testbed down}, then {@link #start}). */
    public static KwokTestbed fresh(Path root) {
        run(root.resolve("hack/testbed"), "down");
        return start(root);
    }

    /**
     * The folder of the Gateway API CRD manifests that {@code hack/testbed} fetched (the same for every cluster
     * backend: the CRDs come from the Go module proxy, not from the cluster).
     */
    public static Path gatewayApiCrds(Path root) {
        return Path.of(run(root.resolve("hack/testbed"), "gateway-api-crds").trim());
    }

    /** Runs one of the repository's scripts with one argument and returns its output; fails on a non-zero exit. */
    static String run(Path script, String command, String... args) {
        var line = new java.util.ArrayList<String>(List.of(script.toString(), command));
        line.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(line)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int exit = process.waitFor();
            if (exit != 0) {
                throw new IllegalStateException(script + " " + command + " failed with exit code " + exit
                        + "; see its output above and docs/testing.md");
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + script + " " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + script + " " + command, e);
        }
    }

    @Override
    public String kubeconfig() {
        return kubeconfig;
    }

    @Override
    public Frozen freeze(String component) {
        Path pidFile = clusterDir.resolve("pids").resolve(component + ".pid");
        long pid;
        try {
            pid = Long.parseLong(Files.readString(pidFile).trim());
        } catch (IOException | NumberFormatException e) {
            throw new IllegalArgumentException("no running " + component + " in the testbed (" + pidFile + ")", e);
        }
        ProcessSignals.send(pid, "-STOP", component);
        // A test that dies while the component is frozen must not leave the shared cluster without it.
        Thread thaw = new Thread(() -> ProcessSignals.send(pid, "-CONT", component));
        Runtime.getRuntime().addShutdownHook(thaw);
        return () -> {
            ProcessSignals.send(pid, "-CONT", component);
            Runtime.getRuntime().removeShutdownHook(thaw);
        };
    }

    @Override
    public String description() {
        return "kwok testbed " + version;
    }
}
