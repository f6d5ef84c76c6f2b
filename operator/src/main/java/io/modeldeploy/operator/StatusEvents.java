package io.modeldeploy.operator;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.api.v1alpha1.ModelDeploymentStatus;
import io.modeldeploy.api.v1alpha1.TemplateStatus;
import io.modeldeploy.operator.rollout.OperatorUpgrade;
import io.modeldeploy.operator.status.Conditions;

/**
 * Records a Kubernetes Event on the ModelDeployment when its status changes in a way a person wants to see in
 * {@code kubectl describe}: a new revision, becoming Ready, a problem and its cause, stalling.
 * <p>
 * Events are written in the background, one at a time, as client-go's event recorder writes them: the status a
 * reconcile decided is patched without waiting for its Event, so that a busy API server delays the Events, not the
 * ModelDeployment's status. At most {@value #QUEUED} Events wait ({@code modeldeploy_events_queued}); one more is
 * dropped and counted in {@code modeldeploy_events_dropped_total} (an Event is a courtesy: the status and its
 * history say the same).
 */
@ApplicationScoped
public class StatusEvents {
    private static final Logger LOG = Logger.getLogger(StatusEvents.class);
    private static final Set<String> NORMAL = Set.of(Conditions.AVAILABLE, Conditions.SCALED_TO_ZERO,
            Conditions.CREATING, Conditions.ROLLOUT_IN_PROGRESS);
    static final String COMPONENT = "modeldeploy-operator";
    /** Events waiting to be written, at most: about 1 KiB each. */
    static final int QUEUED = 4096;
    /** How long stopping waits for the Events still queued. */
    private static final long FLUSH_SECONDS = 5;

    private final KubernetesClient client;
    /** Kept here, not in a Counter of the root registry, which drops counts until Quarkus adds its registry. */
    private final LongAdder dropped = new LongAdder();
    private final ThreadPoolExecutor writer;

    @Inject
    public StatusEvents(KubernetesClient client, MeterRegistry registry) {
        this.client = client;
        FunctionCounter.builder("modeldeploy.events.dropped", dropped, LongAdder::doubleValue)
                .description("Events not written because " + QUEUED + " were waiting already").register(registry);
        this.writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUED),
                task -> {
                    Thread thread = new Thread(task, "modeldeploy-events");
                    thread.setDaemon(true);
                    return thread;
                }, (task, executor) -> {
                    if (executor.isShutdown()) {
                        return; // the operator stops: what a last reconcile records is not written
                    }
                    dropped.increment();
                    if (dropped.sum() % 1000 == 1) {
                        LOG.warnf("%d Events are waiting to be written: dropped one (%d so far)", QUEUED,
                                dropped.sum());
                    }
                });
        Gauge.builder("modeldeploy.events.queued", writer, w -> w.getQueue().size())
                .description("Events waiting to be written").register(registry);
    }

    /** Writes what is queued, for a few seconds at most, when the operator stops. */
    @PreDestroy
    void flush() throws InterruptedException {
        writer.shutdown();
        if (!writer.awaitTermination(FLUSH_SECONDS, TimeUnit.SECONDS)) {
            LOG.warnf("stopping with %d Events not written", writer.shutdownNow().size());
        }
    }

    public void recordTransitions(ModelDeployment md, ModelDeploymentStatus before, ModelDeploymentStatus after) {
        String oldRevision = before == null ? null : before.revision();
        boolean newRevision = !Objects.equals(oldRevision, after.revision());
        if (newRevision) {
            record(md, "Normal", "RevisionCreated", "rolling out revision " + after.revision() + " (model "
                    + md.getSpec().model().name() + " version " + md.getSpec().model().version() + ")");
        }
        Optional<Condition> oldReady = ready(before);
        Condition newReady = ready(after).orElseThrow();
        boolean changed = oldReady.map(c -> !c.getStatus().equals(newReady.getStatus())
                || !c.getReason().equals(newReady.getReason())).orElse(true);
        // While a canary rollout speaks for Ready, its own transition Event (rollout()) already tells.
        boolean toldByRollout = after.rollout() != null && newReady.getReason().equals(after.rollout().reason());
        // "rolling out revision ..." already tells that its pods are starting.
        boolean toldByRevision = newRevision && Conditions.ROLLOUT_IN_PROGRESS.equals(newReady.getReason());
        if (changed && !toldByRollout && !toldByRevision) {
            record(md, NORMAL.contains(newReady.getReason()) ? "Normal" : "Warning", newReady.getReason(),
                    newReady.getMessage());
        }
    }

    /** An Event for a rollout transition: a Warning when a revision was rolled back or aborted. */
    public void rollout(ModelDeployment md, String reason, String message) {
        boolean failed = "RolledBack".equals(reason) || "Aborted".equals(reason);
        record(md, failed ? "Warning" : "Normal", reason, message);
    }

    /** A Warning Event for a rollout action that was read but not applied, with why. */
    public void actionIgnored(ModelDeployment md, String why) {
        record(md, "Warning", "RolloutActionIgnored", why);
    }

    /** A Normal Event when an operator upgrade's revision is held, saying how to roll it out. */
    public void upgradeHeld(ModelDeployment md, TemplateStatus template) {
        record(md, "Normal", "UpgradeHeld", "the operator's defaults changed (runtime image or pod template): revision "
                + template.heldRevision() + " is held and revision " + template.revision() + " keeps serving; set the "
                + OperatorUpgrade.ANNOTATION + " annotation to a new value, or change the spec, to roll it out");
    }

    private static Optional<Condition> ready(ModelDeploymentStatus status) {
        return status == null || status.conditions() == null ? Optional.empty()
                : status.conditions().stream().filter(c -> Conditions.READY.equals(c.getType())).findFirst();
    }

    private void record(ModelDeployment md, String type, String reason, String message) {
        Event event = event(md, type, reason, message, Instant.now());
        writer.execute(() -> write(event));
    }

    /** The Event this records on a ModelDeployment, as written at {@code at}. */
    public static Event event(ModelDeployment md, String type, String reason, String message, Instant at) {
        String now = at.truncatedTo(ChronoUnit.SECONDS).toString();
        return new EventBuilder()
                .withNewMetadata()
                .withName(md.getMetadata().getName() + "." + UUID.randomUUID().toString().substring(0, 13))
                .withNamespace(md.getMetadata().getNamespace())
                .endMetadata()
                .withNewInvolvedObject()
                .withApiVersion(md.getApiVersion()).withKind(md.getKind())
                .withName(md.getMetadata().getName()).withNamespace(md.getMetadata().getNamespace())
                .withUid(md.getMetadata().getUid()).withResourceVersion(md.getMetadata().getResourceVersion())
                .endInvolvedObject()
                .withType(type).withReason(reason).withMessage(message)
                .withNewSource().withComponent(COMPONENT).endSource()
                .withReportingComponent(COMPONENT)
                .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                .build();
    }

    private void write(Event event) {
        try {
            client.v1().events().inNamespace(event.getMetadata().getNamespace()).resource(event).create();
        } catch (KubernetesClientException e) {
            // An event is a courtesy; failing to record one must not stop the next.
            LOG.warnf("could not record event %s on %s/%s: %s", event.getReason(), event.getMetadata().getNamespace(),
                    event.getInvolvedObject().getName(), e.getMessage());
        }
    }
}
