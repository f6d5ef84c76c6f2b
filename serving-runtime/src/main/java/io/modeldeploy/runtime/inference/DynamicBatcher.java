package io.modeldeploy.runtime.inference;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * Groups concurrent requests into one inference. When the engine is free, the first waiting request opens a batch
 * that takes every request already queued, up to maxBatchSize rows; with a maxDelay above 0 it also waits that long
 * for more. Under load, requests queue while the engine runs, so batches form without delaying a lone request.
 * One thread runs the engine, so it needs no locking. A request answered while it waited (its deadline passed) is
 * dropped from the queue unrun.
 */
public final class DynamicBatcher implements AutoCloseable {
    private record Job(float[][] rows, CompletableFuture<float[][]> result) {
    }

    private final InferenceEngine engine;
    private final int maxBatchSize;
    private final long maxDelayNanos;
    private final IntConsumer batchSizes;
    private final BlockingQueue<Job> queue;
    private final int maxQueued;
    private final Thread worker;
    private volatile boolean running = true;
    private Job carried;

    /** Requests that may wait for the engine by default; beyond them a request is refused as {@link Overloaded}. */
    public static final int DEFAULT_MAX_QUEUED = 1024;

    public DynamicBatcher(InferenceEngine engine, int maxBatchSize, long maxDelayMillis, IntConsumer batchSizes) {
        this(engine, maxBatchSize, maxDelayMillis, DEFAULT_MAX_QUEUED, batchSizes);
    }

    /**
     * @param maxQueued requests that may wait for the engine; one more is refused at once with {@link Overloaded},
     *            so that overload is an answer rather than memory and latency that grow without bound
     */
    public DynamicBatcher(InferenceEngine engine, int maxBatchSize, long maxDelayMillis, int maxQueued,
            IntConsumer batchSizes) {
        this.engine = engine;
        this.maxQueued = maxQueued;
        this.queue = new LinkedBlockingQueue<>(maxQueued);
        this.maxBatchSize = maxBatchSize;
        this.maxDelayNanos = TimeUnit.MILLISECONDS.toNanos(maxDelayMillis);
        this.batchSizes = batchSizes;
        this.worker = new Thread(this::run, "inference");
        worker.setDaemon(true);
        worker.start();
    }

    /** Queues rows for inference; the future completes with their output rows, in order. */
    public CompletableFuture<float[][]> submit(float[][] rows) {
        var job = new Job(rows, new CompletableFuture<>());
        if (!running) {
            job.result.completeExceptionally(new IllegalStateException("the server is shutting down"));
            return job.result;
        }
        if (!queue.offer(job)) {
            job.result.completeExceptionally(new Overloaded(maxQueued));
        }
        return job.result;
    }

    private void run() {
        while (running || !queue.isEmpty()) {
            try {
                Job first = carried != null ? carried : queue.poll(100, TimeUnit.MILLISECONDS);
                carried = null;
                if (first != null && !first.result.isDone()) {
                    runBatch(collect(first));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private List<Job> collect(Job first) throws InterruptedException {
        var jobs = new ArrayList<Job>();
        jobs.add(first);
        int rows = first.rows.length;
        long deadline = System.nanoTime() + maxDelayNanos;
        while (rows < maxBatchSize) {
            long wait = deadline - System.nanoTime();
            Job next = wait > 0 ? queue.poll(wait, TimeUnit.NANOSECONDS) : queue.poll();
            if (next == null) {
                break;
            }
            if (next.result.isDone()) {
                continue; // answered already (its deadline passed while it waited): no inference for it
            }
            if (rows + next.rows.length > maxBatchSize) {
                carried = next;
                break;
            }
            jobs.add(next);
            rows += next.rows.length;
        }
        return jobs;
    }

    private void runBatch(List<Job> jobs) {
        int total = jobs.stream().mapToInt(j -> j.rows.length).sum();
        float[][] batch = new float[total][];
        int at = 0;
        for (Job job : jobs) {
            System.arraycopy(job.rows, 0, batch, at, job.rows.length);
            at += job.rows.length;
        }
        try {
            float[][] output = engine.infer(batch);
            batchSizes.accept(total);
            at = 0;
            for (Job job : jobs) {
                float[][] mine = new float[job.rows.length][];
                System.arraycopy(output, at, mine, 0, mine.length);
                at += mine.length;
                job.result.complete(mine);
            }
        } catch (RuntimeException | Error e) {
            // One batch's failure, even an Error from the engine, fails that batch's requests only; the worker
            // goes on with the next batch. (OutOfMemoryError ends the JVM: the images run with ExitOnOutOfMemoryError.)
            jobs.forEach(j -> j.result.completeExceptionally(e));
        }
    }

    /** Stops taking work, finishes what is queued, then returns. */
    @Override
    public void close() {
        running = false;
        try {
            worker.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
