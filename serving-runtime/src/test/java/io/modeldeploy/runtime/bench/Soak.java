package io.modeldeploy.runtime.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The soak run of hack/soak-runtime: for a given time, many clients send a running serving runtime a mix of good
 * requests (checked against the model's reference answers) and attacks of each class the runtime defends against,
 * while the runtime's resident memory is sampled. Fails (exit 1) if a good request got anything but the right 200,
 * if any request got a 5xx, or if RSS after warm-up grew by more than a fifth.
 *
 * <pre>Soak &lt;base URL&gt; &lt;runtime pid&gt; &lt;model folder with reference.json&gt; &lt;seconds&gt; &lt;clients&gt;</pre>
 */
public final class Soak {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WARM_UP = Duration.ofSeconds(60);

    private record Kind(String name, int weight, boolean good, String path, String contentType, String body) {
    }

    private Soak() {
    }

    public static void main(String[] args) throws Exception {
        String base = args[0];
        long pid = Long.parseLong(args[1]);
        JsonNode reference = JSON.readTree(Path.of(args[2], "reference.json").toFile());
        Duration length = Duration.ofSeconds(Long.parseLong(args[3]));
        int clients = Integer.parseInt(args[4]);

        List<Kind> attacks = List.of(
                new Kind("bad: invalid JSON", 3, false, "/predict", "application/json", "{\"features\": [[1, 2"),
                new Kind("bad: wrong width", 3, false, "/predict", "application/json", "{\"features\": [[1, 2, 3]]}"),
                new Kind("bad: not a number", 2, false, "/predict", "application/json",
                        "{\"features\": [[1, \"x\", 3, 4]]}"),
                new Kind("bad: form body (415)", 2, false, "/predict", "application/x-www-form-urlencoded", "a=1"),
                new Kind("bad: deep nesting", 2, false, "/predict", "application/json",
                        "{\"x\": " + "[".repeat(3000) + "]".repeat(3000) + ", \"features\": [[1, 2, 3, 4]]}"),
                new Kind("bad: v2 shape overflowing int", 3, false, "/v2/models/iris/infer", "application/json",
                        "{\"inputs\": [{\"name\": \"input\", \"shape\": [1073741824, 4], \"datatype\": \"FP32\", "
                                + "\"data\": []}]}"),
                new Kind("bad: v2 huge declared shape", 2, false, "/v2/models/iris/infer", "application/json",
                        "{\"inputs\": [{\"name\": \"input\", \"shape\": [9223372036854775807, 4], \"datatype\": "
                                + "\"FP32\", \"data\": [1, 2, 3, 4]}]}"),
                new Kind("bad: too many rows (413)", 1, false, "/predict", "application/json",
                        "{\"features\": [" + "[1,2,3,4],".repeat(10_000) + "[1,2,3,4]]}"),
                new Kind("bad: 9 MiB body (413)", 1, false, "/predict", "application/json",
                        "{\"features\": [[" + "1,".repeat(9 << 19) + "1]]}"));
        List<Kind> kinds = new ArrayList<>();
        kinds.add(new Kind("good: /predict", 70, true, "/predict", "application/json", null));
        kinds.add(new Kind("good: v2 infer", 10, true, "/v2/models/iris/infer", "application/json", null));
        kinds.addAll(attacks);
        int total = kinds.stream().mapToInt(Kind::weight).sum();

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).executor(Executors.newFixedThreadPool(4)).build();
        Map<String, Map<String, LongAdder>> tally = new ConcurrentHashMap<>();
        LongAdder wrong = new LongAdder();
        List<String> examples = java.util.Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        long end = start + length.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        for (int c = 0; c < clients; c++) {
            int seed = c;
            pool.submit(() -> {
                Random random = new Random(seed);
                while (System.nanoTime() < end) {
                    int pick = random.nextInt(total);
                    Kind kind = kinds.get(0);
                    for (Kind k : kinds) {
                        if (pick < k.weight()) {
                            kind = k;
                            break;
                        }
                        pick -= k.weight();
                    }
                    JsonNode row = reference.get(random.nextInt(reference.size()));
                    String body = kind.body() != null ? kind.body() : kind.path().equals("/predict")
                            ? "{\"features\": [" + row.get("features") + "]}"
                            : "{\"inputs\": [{\"name\": \"input\", \"shape\": [1, 4], \"datatype\": \"FP32\", "
                                    + "\"data\": " + row.get("features") + "}]}";
                    String outcome;
                    try {
                        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + kind.path()))
                                .timeout(Duration.ofSeconds(60)).header("Content-Type", kind.contentType())
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                                HttpResponse.BodyHandlers.ofString());
                        outcome = Integer.toString(response.statusCode());
                        if (kind.good() && (response.statusCode() != 200
                                || !row.get("label").asText().equals(answeredLabel(response.body())))) {
                            wrong.increment();
                            if (examples.size() < 5) {
                                examples.add(kind.name() + " -> " + response.statusCode() + " " + response.body());
                            }
                        }
                    } catch (Exception e) {
                        outcome = "error: " + e.getClass().getSimpleName();
                        if (kind.good()) {
                            wrong.increment();
                        }
                        if (examples.size() < 5) {
                            examples.add(kind.name() + " -> " + e);
                        }
                    }
                    tally.computeIfAbsent(kind.name(), k -> new ConcurrentHashMap<>())
                            .computeIfAbsent(outcome, o -> new LongAdder()).increment();
                }
            });
        }
        pool.shutdown();

        List<long[]> rss = new ArrayList<>(); // {seconds since start, MiB}
        while (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            long mib = rssMib(pid);
            rss.add(new long[] {seconds, mib});
            System.out.printf("[soak] %4d s  RSS %d MiB  requests %,d%n", seconds, mib, count(tally));
        }

        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        System.out.printf("[soak] %d s, %d clients, %,d requests (%,.0f/s)%n", seconds, clients,
                count(tally), count(tally) / (double) seconds);
        long fivexx = 0;
        for (Kind kind : kinds) {
            Map<String, LongAdder> outcomes = tally.getOrDefault(kind.name(), Map.of());
            var sorted = new TreeMap<String, Long>();
            outcomes.forEach((k, v) -> sorted.put(k, v.sum()));
            System.out.printf("[soak] %-32s %s%n", kind.name(), sorted);
            for (var e : sorted.entrySet()) {
                if (e.getKey().startsWith("5")) {
                    fivexx += e.getValue();
                }
            }
        }
        long warm = rss.stream().filter(s -> s[0] >= WARM_UP.toSeconds()).mapToLong(s -> s[1]).findFirst().orElse(0);
        long last = rss.isEmpty() ? 0 : rss.get(rss.size() - 1)[1];
        long max = rss.stream().filter(s -> s[0] >= WARM_UP.toSeconds()).mapToLong(s -> s[1]).max().orElse(0);
        System.out.printf("[soak] RSS after warm-up (%d s) %d MiB, highest after %d MiB, last %d MiB%n",
                WARM_UP.toSeconds(), warm, max, last);
        examples.forEach(e -> System.out.println("[soak] example: " + e));
        boolean flat = warm > 0 && max <= warm * 1.2;
        System.out.printf("[soak] good requests answered wrong or not at all: %d; 5xx answers: %d; RSS flat: %s%n",
                wrong.sum(), fivexx, flat);
        System.exit(wrong.sum() == 0 && fivexx == 0 && flat ? 0 : 1);
    }

    private static long count(Map<String, Map<String, LongAdder>> tally) {
        return tally.values().stream().flatMap(m -> m.values().stream()).mapToLong(LongAdder::sum).sum();
    }

    /** The first predicted label: /predict's predictions[0], or v2's label tensor's first value. */
    private static String answeredLabel(String body) {
        try {
            JsonNode answer = JSON.readTree(body);
            JsonNode label = answer.has("predictions") ? answer.get("predictions").get(0)
                    : answer.get("outputs").get(0).get("data").get(0);
            return label.asText();
        } catch (Exception e) {
            return "(no answer: " + e.getMessage() + ")";
        }
    }

    private static long rssMib(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        }
        return 0;
    }
}
