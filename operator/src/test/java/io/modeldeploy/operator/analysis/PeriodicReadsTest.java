package io.modeldeploy.operator.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.modeldeploy.api.v1alpha1.ModelDeployment;

/** Background reads: one per interval, the latest finished one taken, nothing kept for what is gone. */
class PeriodicReadsTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration INTERVAL = Duration.ofSeconds(5);

    @Test
    void aReadStartsOncePerIntervalAndItsResultIsTakenOnceFinished() {
        var reads = new PeriodicReads<String>();
        var started = new AtomicInteger();
        var pending = new CompletableFuture<Optional<String>>();

        assertThat(reads.latest(md("a"), "v2", INTERVAL, T0, () -> {
            started.incrementAndGet();
            return pending;
        })).as("nothing finished yet").isEmpty();
        assertThat(reads.latest(md("a"), "v2", INTERVAL, T0.plusSeconds(10), () -> {
            started.incrementAndGet();
            return CompletableFuture.completedFuture(Optional.of("second"));
        })).as("the first is still running: no second one").isEmpty();
        assertThat(started).hasValue(1);

        pending.complete(Optional.of("first"));
        assertThat(reads.latest(md("a"), "v2", INTERVAL, T0.plusSeconds(11),
                () -> CompletableFuture.completedFuture(Optional.of("third")))).contains("first");
        assertThat(reads.latest(md("a"), "v3", INTERVAL, T0.plusSeconds(12),
                () -> new CompletableFuture<>())).as("a new revision starts afresh").isEmpty();
    }

    @Test
    void aModelDeploymentDeletedWhileItsCanaryRanIsForgottenOnceNoReadStartedForTwoHours() {
        var reads = new PeriodicReads<String>();
        reads.latest(md("deleted"), "v2", INTERVAL, T0, () -> CompletableFuture.completedFuture(Optional.of("x")));
        reads.latest(md("running"), "v2", INTERVAL, T0.plus(PeriodicReads.FORGOTTEN_AFTER),
                () -> CompletableFuture.completedFuture(Optional.of("y")));
        assertThat(reads.size()).isEqualTo(2);

        reads.latest(md("running"), "v2", INTERVAL, T0.plus(PeriodicReads.FORGOTTEN_AFTER).plusSeconds(1),
                () -> CompletableFuture.completedFuture(Optional.of("y")));
        assertThat(reads.size()).isEqualTo(1);
    }

    private static ModelDeployment md(String name) {
        var md = new ModelDeployment();
        md.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("models").build());
        return md;
    }
}
