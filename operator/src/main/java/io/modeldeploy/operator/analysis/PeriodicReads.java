package io.modeldeploy.operator.analysis;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.modeldeploy.api.v1alpha1.ModelDeployment;

/**
 * Reads about a ModelDeployment's revision (a canary's metrics and webhooks, an oci:// tag's digest) that run in the
 * background: at most one starts per interval, and a reconcile takes the latest finished one without waiting. A new
 * revision starts afresh.
 * JOSDK reconciles one ModelDeployment at a time, so an entry is never raced by its own ModelDeployment. The
 * reconciler forgets a ModelDeployment whose canary stops; one deleted while its canary ran is forgotten once no read
 * of it started for {@link #FORGOTTEN_AFTER}, twice the longest check interval.
 */
public final class PeriodicReads<T> {
    static final Duration FORGOTTEN_AFTER = Duration.ofHours(2);

    private record Entry<T>(String revision, Instant startedAt, CompletableFuture<Optional<T>> running,
            Optional<T> last) {
    }

    private final Map<ResourceID, Entry<T>> entries = new ConcurrentHashMap<>();

    /**
     * The latest finished read of {@code revision}, if any finished with a result; starts {@code read} when the last
     * read started an interval ago or more and none is running.
     */
    public Optional<T> latest(ModelDeployment md, String revision, Duration interval, Instant now,
            Supplier<CompletableFuture<Optional<T>>> read) {
        ResourceID id = ResourceID.fromResource(md);
        Entry<T> entry = entries.get(id);
        if (entry == null || !entry.revision().equals(revision)) {
            entry = new Entry<>(revision, null, null, Optional.empty());
        }
        if (entry.running() != null && entry.running().isDone()) {
            entry = new Entry<>(revision, entry.startedAt(), null, entry.running().join());
        }
        if (entry.running() == null && (entry.startedAt() == null || !now.isBefore(entry.startedAt().plus(interval)))) {
            entry = new Entry<>(revision, now, read.get(), entry.last());
        }
        entries.put(id, entry);
        Instant forgotten = now.minus(FORGOTTEN_AFTER);
        entries.values().removeIf(e -> e.startedAt() != null && e.startedAt().isBefore(forgotten));
        return entry.last();
    }

    /** ModelDeployments with something kept, for tests. */
    int size() {
        return entries.size();
    }

    /** Drops what is kept for a ModelDeployment whose canary no longer runs. */
    public void forget(ModelDeployment md) {
        entries.remove(ResourceID.fromResource(md));
    }
}
