package io.modeldeploy.operator.analysis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Pod;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.operator.resources.Labels;
import io.modeldeploy.operator.status.PodStates;

/**
 * Reads the inference metrics of a running canary's pods and of the stable track's, from each pod's /metrics (or,
 * with {@code metrics.source: Prometheus}, from Prometheus: {@link PrometheusQueries}), in the background: a
 * reconcile takes the latest finished reading and never waits for pods. At most one reading per check interval runs
 * per ModelDeployment, of at most {@link #PODS_PER_TRACK} pods per track, each bounded by
 * {@link #TIMEOUT} and {@link #MAX_BYTES}. A pod that does not answer, or answers what does not parse, is left out.
 */
@ApplicationScoped
public class CanaryMetricsScraper {
    static final int PODS_PER_TRACK = 20;
    static final Duration TIMEOUT = Duration.ofSeconds(2);
    /** The most of a pod's /metrics read: the runtime's are tens of KiB; a pod cannot make the operator hold more. */
    static final int MAX_BYTES = 4 << 20;
    private static final Logger LOG = Logger.getLogger(CanaryMetricsScraper.class);

    /**
     * Both tracks' metrics for a canary revision, read at {@code at}; or, from Prometheus, why there are none
     * ({@code unavailable}: a check fails with it, as a webhook that does not answer fails one).
     */
    public record Reading(String revision, TrackMetrics canary, TrackMetrics stable, int canaryPods, Instant at,
            Optional<String> unavailable) {
        public Reading(String revision, TrackMetrics canary, TrackMetrics stable, int canaryPods, Instant at) {
            this(revision, canary, stable, canaryPods, at, Optional.empty());
        }

        static Reading unavailable(String revision, Instant at, String why) {
            return new Reading(revision, TrackMetrics.NONE, TrackMetrics.NONE, 0, at, Optional.of(why));
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final PeriodicReads<Reading> reads = new PeriodicReads<>();

    @Inject
    PrometheusQueries prometheus;

    /**
     * The latest finished reading of the canary revision's pods, if one finished and any canary pod answered (from
     * Prometheus: if Prometheus answered or failed to); a new reading starts when the last started an interval ago
     * or more.
     */
    public Optional<Reading> latest(ModelDeployment md, String canaryRevision, Collection<Pod> pods,
            Duration interval, Instant now) {
        boolean fromPrometheus = md.getSpec().rollout().analysis().metricsFromPrometheus();
        return reads.latest(md, canaryRevision, interval, now, () -> fromPrometheus
                ? query(md.getMetadata().getNamespace(), canaryRevision, pods, now)
                : read(canaryRevision, pods, md.getSpec().runtime().port(), now));
    }

    /** Both tracks' metrics from Prometheus, for the same pods a reading from the pods would scrape. */
    private CompletableFuture<Optional<Reading>> query(String namespace, String revision, Collection<Pod> pods,
            Instant now) {
        List<String> canary = names(serving(pods, Labels.TRACK_CANARY, revision));
        if (canary.isEmpty()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        List<String> stable = names(serving(pods, Labels.TRACK_STABLE, null));
        var canaryRead = prometheus.track(namespace, canary);
        var stableRead = stable.isEmpty() ? CompletableFuture.completedFuture(TrackMetrics.NONE)
                : prometheus.track(namespace, stable);
        List<String> shadowPods = canaryPods(pods, revision);
        return canaryRead.thenCombine(stableRead, (c, s) -> Optional.of(new Reading(revision, c,
                s.answeredBy(shadowPods), canary.size(), now))).exceptionally(e -> {
                    Throwable cause = e.getCause() != null ? e.getCause() : e;
                    String why = cause instanceof PrometheusQueries.Unavailable ? cause.getMessage()
                            : "Prometheus gave no figures: " + cause;
                    LOG.debugf("metrics from Prometheus: %s", why);
                    return Optional.of(Reading.unavailable(revision, now, why));
                });
    }

    private static List<String> names(List<Pod> pods) {
        return pods.stream().map(p -> p.getMetadata().getName()).toList();
    }

    /** Drops what is kept for a ModelDeployment whose canary no longer runs. */
    public void forget(ModelDeployment md) {
        reads.forget(md);
    }

    private CompletableFuture<Optional<Reading>> read(String revision, Collection<Pod> pods, int port, Instant now) {
        List<Pod> canary = serving(pods, Labels.TRACK_CANARY, revision);
        if (canary.isEmpty()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        List<Pod> stable = serving(pods, Labels.TRACK_STABLE, null);
        var canaryReads = canary.stream().map(p -> scrape(p, port)).toList();
        var stableReads = stable.stream().map(p -> scrape(p, port)).toList();
        return CompletableFuture.allOf(java.util.stream.Stream.concat(canaryReads.stream(), stableReads.stream())
                .toArray(CompletableFuture[]::new)).thenApply(done -> {
                    var answered = canaryReads.stream().map(CompletableFuture::join).flatMap(Optional::stream).toList();
                    if (answered.isEmpty()) {
                        return Optional.empty();
                    }
                    TrackMetrics canarySum = answered.stream().reduce(TrackMetrics.NONE, TrackMetrics::plus);
                    TrackMetrics stableSum = stableReads.stream().map(CompletableFuture::join)
                            .flatMap(Optional::stream).reduce(TrackMetrics.NONE, TrackMetrics::plus)
                            .answeredBy(canaryPods(pods, revision));
                    return Optional.of(new Reading(revision, canarySum, stableSum, answered.size(), now));
                });
    }

    /** Ready, not terminating pods of a track (and revision) that have an address, at most PODS_PER_TRACK. */
    static List<Pod> serving(Collection<Pod> pods, String track, String revision) {
        return pods.stream()
                .filter(p -> track.equals(p.getMetadata().getLabels().get(Labels.TRACK)))
                .filter(p -> revision == null || revision.equals(p.getMetadata().getLabels().get(Labels.REVISION)))
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null && PodStates.ready(p))
                .filter(p -> p.getStatus() != null && p.getStatus().getPodIP() != null)
                .limit(PODS_PER_TRACK)
                .toList();
    }

    /**
     * The names of the canary revision's pods, ready or not: the stable pods' comparisons with copies that other
     * pods answered (an earlier try of the same model version, rolled back) are not this canary's.
     */
    static List<String> canaryPods(Collection<Pod> pods, String revision) {
        return pods.stream()
                .filter(p -> Labels.TRACK_CANARY.equals(p.getMetadata().getLabels().get(Labels.TRACK)))
                .filter(p -> revision.equals(p.getMetadata().getLabels().get(Labels.REVISION)))
                .map(p -> p.getMetadata().getName())
                .toList();
    }

    /** A pod's address and port, host:port, an IPv6 address in brackets. */
    static String address(Pod pod, int port) {
        String ip = pod.getStatus().getPodIP();
        return (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + port;
    }

    private CompletableFuture<Optional<TrackMetrics>> scrape(Pod pod, int port) {
        URI uri = URI.create("http://" + address(pod, port) + "/metrics");
        return http.sendAsync(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
                        HttpResponse.BodyHandlers.ofInputStream())
                .thenApply(response -> {
                    try (InputStream body = response.body()) {
                        byte[] bytes = body.readNBytes(MAX_BYTES + 1);
                        if (response.statusCode() != 200 || bytes.length > MAX_BYTES) {
                            LOG.debugf("metrics of pod %s: HTTP %d, %s bytes", pod.getMetadata().getName(),
                                    response.statusCode(), bytes.length > MAX_BYTES ? "too many" : bytes.length);
                            return Optional.<TrackMetrics>empty();
                        }
                        return Optional.of(TrackMetrics.parse(new String(bytes, StandardCharsets.UTF_8)));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                })
                .exceptionally(e -> {
                    LOG.debugf("metrics of pod %s: %s", pod.getMetadata().getName(), e.getMessage());
                    return Optional.empty();
                })
                // A body that trickles in does not hold the reading up.
                .completeOnTimeout(Optional.empty(), 2 * TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
}
