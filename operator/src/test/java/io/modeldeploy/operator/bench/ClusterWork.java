package io.modeldeploy.operator.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * What the machine spent on a phase of the scale benchmark, to say where its time went: CPU seconds per process of
 * the test cluster (read from {@code /proc/PID/stat}: the API server, etcd, the controller manager, the scheduler,
 * kwok), of the operator and of the benchmark's own client, the machine's idle seconds, and the requests the API
 * server answered by verb and resource (its {@code apiserver_request_total}). A snapshot at the phase's start and
 * one at its end; {@link #minus} gives the phase. The operator's CPU seconds are also counted by thread, the threads
 * grouped by their name without its digits (a JIT compiler's, the collector's, the reconcilers').
 */
record ClusterWork(Map<String, Double> cpuSeconds, double idleSeconds, Map<String, Double> requests,
        Map<String, Double> operatorThreads) {
    /** Clock ticks per second of /proc's times: 100 on Linux for every architecture this runs on. */
    private static final double TICKS = 100;
    /** The test cluster's processes, by the name the kernel gives them (15 characters at most). */
    static final List<String> CLUSTER = List.of("kube-apiserver", "etcd", "kube-controller", "kube-scheduler",
            "kwok-controller");
    private static final Pattern REQUESTS = Pattern.compile(
            "^apiserver_request_total\\{([^}]*)} ([0-9.e+]+)$", Pattern.MULTILINE);
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    /** Now: the cluster's processes, the operator's ({@code operatorPid}, or none when 0) and this JVM's. */
    static ClusterWork now(KubernetesClient client, long operatorPid) {
        Map<String, Double> cpu = new LinkedHashMap<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
                long pid = Long.parseLong(p.getFileName().toString());
                String name = pid == operatorPid ? "operator"
                        : pid == ProcessHandle.current().pid() ? "benchmark client" : comm(p);
                if (name.equals("operator") || name.equals("benchmark client") || CLUSTER.contains(name)) {
                    cpu.merge(name, cpuSeconds(p), Double::sum);
                }
            });
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new ClusterWork(cpu, machineIdleSeconds(), requests(client), threads(operatorPid));
    }

    /** The phase between {@code start} and this snapshot. */
    ClusterWork minus(ClusterWork start) {
        return new ClusterWork(difference(cpuSeconds, start.cpuSeconds), idleSeconds - start.idleSeconds,
                difference(requests, start.requests), difference(operatorThreads, start.operatorThreads));
    }

    /** A report: CPU seconds per process and idle, then the requests by verb, then the busiest resources. */
    String report(int topResources) {
        var text = new StringBuilder("CPU seconds: ");
        text.append(cpuSeconds.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .map(e -> "%s %.1f".formatted(e.getKey(), e.getValue())).collect(Collectors.joining(", ")));
        text.append(", the machine idle %.1f%n".formatted(idleSeconds));
        if (!operatorThreads.isEmpty()) {
            text.append("the operator's CPU seconds by thread: ").append(operatorThreads.entrySet().stream()
                    .filter(e -> e.getValue() >= 0.1)
                    .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                    .map(e -> "%s %.1f".formatted(e.getKey(), e.getValue())).collect(Collectors.joining(", ")))
                    .append('\n');
        }
        Map<String, Double> byVerb = new TreeMap<>();
        requests.forEach((key, count) -> byVerb.merge(key.split(" ", 2)[0], count, Double::sum));
        text.append("API server requests by verb: ").append(byVerb.entrySet().stream()
                .filter(e -> e.getValue() > 0)
                .map(e -> "%s %.0f".formatted(e.getKey(), e.getValue())).collect(Collectors.joining(", ")))
                .append('\n');
        text.append("busiest verb and resource: ").append(requests.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(topResources)
                .map(e -> "%s %.0f".formatted(e.getKey(), e.getValue())).collect(Collectors.joining(", ")));
        return text.toString();
    }

    private static Map<String, Double> difference(Map<String, Double> end, Map<String, Double> start) {
        Map<String, Double> result = new LinkedHashMap<>();
        end.forEach((key, value) -> result.put(key, value - start.getOrDefault(key, 0.0)));
        return result;
    }

    /** The API server's requests since it started, by "VERB group/resource[/subresource]" (watches included). */
    private static Map<String, Double> requests(KubernetesClient client) {
        Map<String, Double> counts = new TreeMap<>();
        Matcher line = REQUESTS.matcher(client.raw("/metrics"));
        while (line.find()) {
            Map<String, String> labels = new LinkedHashMap<>();
            Matcher label = LABEL.matcher(line.group(1));
            while (label.find()) {
                labels.put(label.group(1), label.group(2));
            }
            String group = labels.getOrDefault("group", "");
            String resource = (group.isEmpty() ? "" : group + "/") + labels.getOrDefault("resource", "")
                    + (labels.getOrDefault("subresource", "").isEmpty() ? "" : "/" + labels.get("subresource"));
            counts.merge(labels.getOrDefault("verb", "?") + " " + resource, Double.parseDouble(line.group(2)),
                    Double::sum);
        }
        return counts;
    }

    /**
     * The CPU seconds of each of a process's live threads, summed by name with digits as {@code #}; none for pid 0. A
     * thread that ended is not counted (the operator's pools keep theirs).
     */
    private static Map<String, Double> threads(long pid) {
        Map<String, Double> threads = new TreeMap<>();
        if (pid == 0) {
            return threads;
        }
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            tasks.forEach(task -> threads.merge(comm(task).replaceAll("[0-9]+", "#"), cpuSeconds(task), Double::sum));
        } catch (IOException e) {
            // the operator ended: no threads
        }
        return threads;
    }

    private static String comm(Path proc) {
        try {
            return Files.readString(proc.resolve("comm")).strip();
        } catch (IOException e) {
            return ""; // the process ended meanwhile
        }
    }

    /** User and system time of a process and its threads (fields 14 and 15 of /proc/PID/stat). */
    private static double cpuSeconds(Path proc) {
        try {
            String stat = Files.readString(proc.resolve("stat"));
            // The name in parentheses may hold spaces: the fields after it start after the last ')'.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** The machine's idle and I/O-wait time over all cores since boot (/proc/stat's first line). */
    private static double machineIdleSeconds() {
        try {
            String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            return (Long.parseLong(cpu[4]) + Long.parseLong(cpu[5])) / TICKS;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
