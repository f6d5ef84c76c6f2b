package io.modeldeploy.runtime.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** The batcher's grouping, with an engine that echoes its rows and can be held busy. */
class DynamicBatcherTest {

    /** Echoes each row's first value; blocks each inference until released. */
    static final class HeldEngine implements InferenceEngine {
        final List<Integer> batches = new CopyOnWriteArrayList<>();
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch firstStarted = new CountDownLatch(1);

        @Override
        public float[][] infer(float[][] batch) {
            batches.add(batch.length);
            firstStarted.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            float[][] out = new float[batch.length][];
            for (int i = 0; i < batch.length; i++) {
                out[i] = new float[] {batch[i][0]};
            }
            return out;
        }

        @Override
        public String name() {
            return "held";
        }

        @Override
        public void close() {
        }
    }

    @Test
    void requestsThatQueueWhileTheEngineIsBusyRunAsOneBatchAndGetTheirOwnRows() throws Exception {
        var engine = new HeldEngine();
        var sizes = new CopyOnWriteArrayList<Integer>();
        try (var batcher = new DynamicBatcher(engine, 32, 0, sizes::add)) {
            var first = batcher.submit(new float[][] {{0}});
            assertThat(engine.firstStarted.await(5, TimeUnit.SECONDS)).isTrue();
            var queued = new ArrayList<CompletableFuture<float[][]>>();
            for (int i = 1; i <= 10; i++) {
                queued.add(batcher.submit(new float[][] {{i}, {i + 100}}));
            }
            engine.release.countDown();

            assertThat(first.get(5, TimeUnit.SECONDS)[0][0]).isEqualTo(0f);
            for (int i = 1; i <= 10; i++) {
                float[][] rows = queued.get(i - 1).get(5, TimeUnit.SECONDS);
                assertThat(rows[0][0]).isEqualTo(i);
                assertThat(rows[1][0]).isEqualTo(i + 100);
            }
        }
        assertThat(engine.batches).containsExactly(1, 20);
        assertThat(sizes).containsExactly(1, 20);
    }

    @Test
    void aBatchNeverExceedsTheMaximumAndTheRestRunsNext() throws Exception {
        var engine = new HeldEngine();
        try (var batcher = new DynamicBatcher(engine, 4, 0, rows -> { })) {
            var first = batcher.submit(new float[][] {{0}});
            assertThat(engine.firstStarted.await(5, TimeUnit.SECONDS)).isTrue();
            var queued = new ArrayList<CompletableFuture<float[][]>>();
            for (int i = 0; i < 5; i++) {
                queued.add(batcher.submit(new float[][] {{i}, {i}}));
            }
            engine.release.countDown();
            first.get(5, TimeUnit.SECONDS);
            for (var f : queued) {
                f.get(5, TimeUnit.SECONDS);
            }
        }
        assertThat(engine.batches).containsExactly(1, 4, 4, 2);
    }

    @Test
    void aLoneRequestDoesNotWaitForCompany() throws Exception {
        var engine = new HeldEngine();
        engine.release.countDown();
        try (var batcher = new DynamicBatcher(engine, 32, 0, rows -> { })) {
            long start = System.nanoTime();
            batcher.submit(new float[][] {{7}}).get(5, TimeUnit.SECONDS);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(1000);
        }
        assertThat(engine.batches).containsExactly(1);
    }

    @Test
    void aFullQueueRefusesAtOnceAndEverythingQueuedIsStillAnswered() throws Exception {
        var engine = new HeldEngine();
        try (var batcher = new DynamicBatcher(engine, 1, 0, 3, rows -> { })) {
            var first = batcher.submit(new float[][] {{0}});
            assertThat(engine.firstStarted.await(5, TimeUnit.SECONDS)).isTrue();
            var queued = new ArrayList<CompletableFuture<float[][]>>();
            for (int i = 1; i <= 3; i++) {
                queued.add(batcher.submit(new float[][] {{i}}));
            }

            var refused = batcher.submit(new float[][] {{4}});

            assertThat(refused).isCompletedExceptionally();
            assertThatThrownBy(refused::join).hasCauseInstanceOf(Overloaded.class)
                    .hasMessageContaining("the model is at capacity: 3 requests already wait for it");
            engine.release.countDown();
            assertThat(first.get(5, TimeUnit.SECONDS)[0][0]).isEqualTo(0f);
            for (int i = 1; i <= 3; i++) {
                assertThat(queued.get(i - 1).get(5, TimeUnit.SECONDS)[0][0]).isEqualTo(i);
            }
        }
    }

    @Test
    void anErrorInOneBatchFailsThatBatchOnlyAndTheWorkerGoesOn() throws Exception {
        var engine = new InferenceEngine() {
            int calls;

            @Override
            public float[][] infer(float[][] batch) {
                if (calls++ == 0) {
                    throw new StackOverflowError("a model that recursed too deep");
                }
                return batch;
            }

            @Override
            public String name() {
                return "fails once";
            }

            @Override
            public void close() {
            }
        };
        try (var batcher = new DynamicBatcher(engine, 32, 0, rows -> { })) {
            var failed = batcher.submit(new float[][] {{1}});
            assertThatThrownBy(() -> failed.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(StackOverflowError.class);

            assertThat(batcher.submit(new float[][] {{2}}).get(5, TimeUnit.SECONDS)[0][0]).isEqualTo(2f);
        }
    }

    @Test
    void closingFinishesQueuedWorkAndRefusesNewWork() throws Exception {
        var engine = new HeldEngine();
        var batcher = new DynamicBatcher(engine, 32, 0, rows -> { });
        var first = batcher.submit(new float[][] {{1}});
        assertThat(engine.firstStarted.await(5, TimeUnit.SECONDS)).isTrue();
        var queued = batcher.submit(new float[][] {{2}});
        engine.release.countDown();

        batcher.close();

        assertThat(first.isDone()).isTrue();
        assertThat(queued.get(1, TimeUnit.SECONDS)[0][0]).isEqualTo(2f);
        assertThat(batcher.submit(new float[][] {{3}})).isCompletedExceptionally();
    }
}
