package io.modeldeploy.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The packaged operator, run as its own process against a test cluster, as it runs in production. Tests can stop
 * and restart it, read its metrics and its log.
 */
public final class OperatorProcess implements AutoCloseable {
    /** How long a start may take until ready; the scale benchmark's restart over thousands takes longer. */
    private static final Duration STARTUP = Duration.ofSeconds(Long.getLong("modeldeploy.operator.startup.seconds",
            90));
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** What the operator logs when it exits because it lost its leader Lease (LeaderElectionSetup). */
    static final String LOST_LEASE = "lost the leader Lease while running";

    private final ProcessBuilder builder;
    private final int port;
    private final Path log;
    private volatile Process process;
    /** Where the current process's lines start in the log. */
    private volatile long logStart;
    private volatile boolean restartAfterLostLease;
    private volatile boolean stopping;

    private OperatorProcess(ProcessBuilder builder, int port, Path log) throws IOException {
        this.builder = builder;
        this.port = port;
        this.log = log;
        launch();
    }

    private void launch() throws IOException {
        logStart = Files.exists(log) ? Files.size(log) : 0;
        process = builder.start();
    }

    /**
     * From now on, an operator that exits because it lost its leader Lease is started again, as the kubelet
     * restarts a pod's container that exits. It loses the Lease when it cannot renew it for 10 s: when the machine
     * stalls (on 2026-12-04 a test machine's clocks jumped 21 s, etcd's log shows it, and the operator exited in
     * the middle of a test). The restart is printed; the test still waits for what the operator does next.
     */
    public OperatorProcess restartingAfterALostLease() {
        restartAfterLostLease = true;
        watch(process);
        return this;
    }

    private void watch(Process watched) {
        watched.onExit().thenRun(() -> {
            if (stopping || !restartAfterLostLease || watched != process || !linesOfThisRun().contains(LOST_LEASE)) {
                return;
            }
            System.err.printf("[operator-process] the operator exited with %d after it lost its leader Lease; "
                    + "starting it again, as the kubelet would; see %s%n", watched.exitValue(), log);
            try {
                launch();
                watch(process);
            } catch (IOException e) {
                System.err.printf("[operator-process] cannot start the operator again: %s%n", e.getMessage());
            }
        });
    }

    /** What the current process wrote to the log. */
    private String linesOfThisRun() {
        try {
            byte[] all = Files.readAllBytes(log);
            int from = (int) Math.min(logStart, all.length);
            return new String(all, from, all.length - from, java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * Starts {@code jar} against the cluster with the extra environment, and waits until it reports ready.
     *
     * @param log file that receives the operator's output (appended, so restarts keep the earlier lines)
     */
    public static OperatorProcess start(Path jar, TestCluster cluster, Path log, Map<String, String> env) {
        return start(jar, cluster, log, env, List.of("-Xmx512m"));
    }

    /** As {@link #start(Path, TestCluster, Path, Map)}, with these JVM options instead of the tests' heap ceiling. */
    public static OperatorProcess start(Path jar, TestCluster cluster, Path log, Map<String, String> env,
            List<String> jvmOptions) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("operator jar " + jar + " does not exist; build it with ./mvnw package");
        }
        try {
            Files.createDirectories(log.getParent());
            Path kubeconfig = Files.createTempFile("modeldeploy-operator-", ".kubeconfig");
            kubeconfig.toFile().deleteOnExit();
            Files.writeString(kubeconfig, cluster.kubeconfig());
            int port = freePort();
            String java = ProcessHandle.current().info().command().orElse("java");
            var command = new ArrayList<>(List.of(java));
            command.addAll(jvmOptions);
            command.addAll(List.of("-jar", jar.toString()));
            var builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().put("KUBECONFIG", kubeconfig.toString());
            builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
            builder.environment().putAll(env);
            var operator = new OperatorProcess(builder, port, log);
            operator.awaitReady();
            return operator;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the operator " + jar, e);
        }
    }

    private void awaitReady() {
        Instant deadline = Instant.now().plus(STARTUP);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the operator exited with " + process.exitValue() + "; see " + log);
            }
            if (get("/q/health/ready").status() == 200) {
                return;
            }
            sleep(Duration.ofMillis(300));
        }
        close();
        throw new IllegalStateException("the operator was not ready within " + STARTUP + "; see " + log);
    }

    /** GET a path of the operator's HTTP server (health, metrics); status 0 when it does not answer. */
    public Reply get(String path) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body());
        } catch (IOException e) {
            return new Reply(0, "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Reply(0, "");
        }
    }

    /** The operator's Prometheus metrics text. */
    public String metrics() {
        return get("/q/metrics").body();
    }

    /** The operator's resident set size now, in bytes (Linux /proc), or 0 once it has exited. */
    public long residentBytes() {
        return status("VmRSS:").map(kib -> Long.parseLong(kib.replaceAll("[^0-9]", "")) * 1024).orElse(0L);
    }

    /** A field of the operator's /proc status (such as {@code "VmRSS:"} or {@code "Threads:"}), as Linux writes it. */
    public Optional<String> status(String field) {
        try {
            return Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status")).stream()
                    .filter(line -> line.startsWith(field)).map(line -> line.substring(field.length()).strip())
                    .findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** What jcmd prints for this command run on the operator ({@code GC.heap_dump FILE}, {@code VM.flags}, ...). */
    public String jcmd(String... command) {
        var line = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(process.pid())));
        line.addAll(List.of(command));
        try {
            Process jcmd = new ProcessBuilder(line).redirectErrorStream(true).start();
            String out = new String(jcmd.getInputStream().readAllBytes());
            if (jcmd.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", line) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", line) + " did not run: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running jcmd", e);
        }
    }

    /** What is live on the operator's heap: jcmd's class histogram, which runs a full collection first. */
    public ClassHistogram liveHeap() {
        return new ClassHistogram(jcmd("GC.class_histogram"));
    }

    /** jcmd's class histogram: its text, the total it ends with, and the instances of one class. */
    public record ClassHistogram(String text) {
        /** The bytes of all live objects ({@code Total} row). */
        public long totalBytes() {
            return text.lines().map(String::strip).filter(line -> line.startsWith("Total")).findFirst()
                    .map(line -> Long.parseLong(line.split("\\s+")[2]))
                    .orElseThrow(() -> new IllegalStateException("no Total row in " + text));
        }

        /** Live instances of the class (its row {@code num: #instances #bytes class name}). */
        public long instances(Class<?> type) {
            return text.lines().map(String::strip).map(line -> line.split("\\s+"))
                    .filter(columns -> columns.length >= 4 && columns[3].equals(type.getName()))
                    .mapToLong(columns -> Long.parseLong(columns[1])).sum();
        }
    }

    /** The operator's process id (for jcmd). */
    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Kills the process at once, as a crash or a node loss would. */
    public void kill() {
        stopping = true;
        process.destroyForcibly();
        waitForExit(10);
    }

    /**
     * Stops the operator gracefully (SIGTERM) and returns its exit code; an operator that has not exited 30 seconds
     * later is killed and this fails.
     */
    public int stop() {
        stopping = true;
        process.destroy();
        if (!waitForExit(30)) {
            kill();
            throw new IllegalStateException("the operator did not exit within 30 s of SIGTERM and was killed; see "
                    + log);
        }
        return process.exitValue();
    }

    /** Stops the operator gracefully (SIGTERM), forcing it after 30 seconds. */
    @Override
    public void close() {
        stopping = true;
        if (process.isAlive()) {
            process.destroy();
            if (!waitForExit(30)) {
                kill();
            }
        }
    }

    private boolean waitForExit(int seconds) {
        try {
            return process.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A TCP port nothing listens on now, for a process the tests start. */
    static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** An HTTP answer of the operator; status 0 when it did not answer. */
    public record Reply(int status, String body) {
    }
}
