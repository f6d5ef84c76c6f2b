package io.modeldeploy.runtime.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

import io.modeldeploy.runtime.inference.DjlEngine;
import io.modeldeploy.runtime.model.ModelSource;

/**
 * The floor for docs/benchmarks.md: one-row inferences of the Iris model with ONNX Runtime in-process (through DJL,
 * no HTTP, no JSON, no batching), on one thread. Prints inferences/s and p50/p99 latency. Run by hack/bench-runtime.
 */
public final class InProcessFloor {
    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        Path cache = Files.createTempDirectory("floor");
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
        System.setProperty("DJL_CACHE_DIR", cache.toString());
        var located = ModelSource.locate(model.toString(), Optional.empty(), cache);
        try (var engine = DjlEngine.load(located.modelFile(), "onnx")) {
            float[][] row = {{-0.9f, 1.0f, -1.3f, -1.3f}};
            long warmEnd = System.nanoTime() + 3_000_000_000L;
            while (System.nanoTime() < warmEnd) {
                engine.infer(row);
            }
            long[] latencies = new long[10_000_000];
            int n = 0;
            long start = System.nanoTime();
            long end = start + seconds * 1_000_000_000L;
            long now = start;
            while (now < end && n < latencies.length) {
                engine.infer(row);
                long after = System.nanoTime();
                latencies[n++] = after - now;
                now = after;
            }
            long[] sorted = Arrays.copyOf(latencies, n);
            Arrays.sort(sorted);
            System.out.printf("floor %.0f %.3f %.3f%n", n / ((now - start) / 1e9), sorted[n / 2] / 1e6,
                    sorted[(int) (n * 0.99)] / 1e6);
        }
        System.exit(0);
    }
}
