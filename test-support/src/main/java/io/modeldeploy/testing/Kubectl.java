package io.modeldeploy.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The real kubectl (and helm) binaries of the test bed, run against a test cluster as a user would run them. */
public final class Kubectl {
    private Kubectl() {
    }

    /** The result of a command: its exit code and its combined output. */
    public record Result(int exitCode, String output) {
        /** The output, or an AssertionError with it when the command failed. */
        public String ok() {
            if (exitCode != 0) {
                throw new AssertionError("command failed with exit code " + exitCode + ":\n" + output);
            }
            return output;
        }
    }

    /** Runs {@code kubectl -n namespace args...} against the cluster. */
    public static Result kubectl(TestCluster cluster, String namespace, String... args) {
        var command = new ArrayList<>(List.of("-n", namespace));
        command.addAll(List.of(args));
        return run(cluster, "kubectl", command);
    }

    /**
     * Runs {@code kubectl args...} the way a user runs a kubectl plugin: with {@code pluginDir} first on the PATH and
     * the cluster's kubeconfig in {@code KUBECONFIG} (kubectl refuses its own flags before a plugin's name).
     */
    public static Result withPlugins(TestCluster cluster, Path pluginDir, String... args) {
        return run(cluster, "kubectl", List.of(args), pluginDir, null);
    }

    /** Runs {@code helm args...} against the cluster. */
    public static Result helm(TestCluster cluster, String... args) {
        return run(cluster, "helm", List.of(args));
    }

    /**
     * What {@code helm args...} writes to its standard output (such as the manifests of {@code helm template}),
     * without what it logs to its standard error; an AssertionError with both when it fails.
     */
    public static String helmOutput(TestCluster cluster, String... args) {
        Path errors = null;
        try {
            errors = Files.createTempFile("modeldeploy-helm-", ".err");
            Result result = run(cluster, "helm", List.of(args), null, errors);
            if (result.exitCode() != 0) {
                throw new AssertionError("helm " + String.join(" ", args) + " failed with exit code "
                        + result.exitCode() + ":\n" + Files.readString(errors) + result.output());
            }
            return result.output();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run helm", e);
        } finally {
            if (errors != null) {
                errors.toFile().delete();
            }
        }
    }

    private static Result run(TestCluster cluster, String binary, List<String> args) {
        return run(cluster, binary, args, null, null);
    }

    /**
     * Runs the binary with the cluster's kubeconfig: as {@code --kubeconfig}, or, with a plugin folder put first on
     * the PATH, in {@code KUBECONFIG}. Its standard error goes to {@code errors} when given, else into the output.
     */
    private static Result run(TestCluster cluster, String binary, List<String> args, Path pluginDir, Path errors) {
        Path kubeconfig = null;
        try {
            kubeconfig = Files.createTempFile("modeldeploy-", ".kubeconfig");
            Files.writeString(kubeconfig, cluster.kubeconfig());
            var command = new ArrayList<>(List.of(binDir().resolve(binary).toString()));
            if (pluginDir == null) {
                command.addAll(List.of("--kubeconfig", kubeconfig.toString()));
            }
            command.addAll(args);
            var builder = new ProcessBuilder(command);
            if (errors == null) {
                builder.redirectErrorStream(true);
            } else {
                builder.redirectError(errors.toFile());
            }
            if (pluginDir != null) {
                builder.environment().put("KUBECONFIG", kubeconfig.toString());
                builder.environment().put("PATH", pluginDir + File.pathSeparator + System.getenv("PATH"));
            }
            Process process = builder.start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(binary + " " + String.join(" ", args) + " did not finish in 120s");
            }
            return new Result(process.exitValue(), out);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + binary, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            if (kubeconfig != null) {
                kubeconfig.toFile().delete();
            }
        }
    }

    private static Path binDir() throws IOException, InterruptedException {
        Process process = new ProcessBuilder(RepositoryRoot.find().resolve("hack/testbed").toString(), "bin").start();
        String dir = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        process.waitFor();
        return Path.of(dir);
    }
}
