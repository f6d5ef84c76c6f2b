package io.modeldeploy.operator.analysis;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.api.model.Pod;
import io.modeldeploy.api.v1alpha1.AnalysisSpec;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.api.v1alpha1.RolloutStatus;
import io.modeldeploy.api.v1alpha1.WebhookSpec;
import io.modeldeploy.operator.resources.Labels;
import io.modeldeploy.operator.resources.ServingService;
import io.modeldeploy.operator.rollout.RolloutPlan;

/**
 * What a running canary's analysis beyond its pods' readiness says: its inference metrics against the stable
 * version's ({@link CanaryAnalysis}) and its webhooks ({@link WebhookCalls}), both read in the background.
 */
@ApplicationScoped
public class CanaryAnalyses {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    CanaryMetricsScraper scraper;
    @Inject
    WebhookCalls webhooks;

    /**
     * The analysis of the canary revision now: a metric or webhook failure fails a check; until every webhook has
     * answered once, the canary's step does not end.
     */
    public RolloutPlan.Analysis of(ModelDeployment md, String canaryRevision, Collection<Pod> pods,
            Duration interval, Instant now) {
        AnalysisSpec spec = md.getSpec().rollout().analysis();
        CanaryAnalysis.Thresholds thresholds = CanaryAnalysis.Thresholds.of(spec);
        Optional<String> metrics = thresholds.enabled()
                ? scraper.latest(md, canaryRevision, pods, interval, now)
                        .flatMap(r -> r.unavailable().map(why -> "no metrics: " + why)
                                .or(() -> CanaryAnalysis.judge(thresholds, r.canary(), r.stable(),
                                        md.getSpec().rollout().hasShadowStep() ? md.getSpec().model().version()
                                                : null).failure().map(why -> spec != null && spec.metricsFromPrometheus()
                                                        ? why + " (read from Prometheus)" : why)))
                : Optional.empty();
        List<WebhookSpec> hooks = spec == null || spec.webhooks() == null ? List.of() : spec.webhooks();
        if (hooks.isEmpty()) {
            return new RolloutPlan.Analysis(metrics, false);
        }
        Optional<WebhookCalls.Round> round = webhooks.latest(md, canaryRevision, hooks,
                () -> payload(md, canaryRevision, pods), interval, now);
        Optional<String> failure = metrics.or(() -> round.flatMap(WebhookCalls.Round::failure));
        return new RolloutPlan.Analysis(failure, failure.isEmpty() && round.isEmpty());
    }

    public void forget(ModelDeployment md) {
        scraper.forget(md);
        webhooks.forget(md);
    }

    /**
     * What a webhook is POSTed: the ModelDeployment, both revisions, the model version, the step and weight the canary
     * is at, the addresses of its Ready pods and, with the GatewayAPI provider, its Service.
     */
    static byte[] payload(ModelDeployment md, String canaryRevision, Collection<Pod> pods) {
        RolloutStatus rollout = md.getStatus() == null ? null : md.getStatus().rollout();
        var body = new LinkedHashMap<String, Object>();
        body.put("modelDeployment", md.getMetadata().getName());
        body.put("namespace", md.getMetadata().getNamespace());
        body.put("model", md.getSpec().model().name());
        body.put("modelVersion", md.getSpec().model().version());
        body.put("canaryRevision", canaryRevision);
        body.put("stableRevision", rollout == null ? null : rollout.stableRevision());
        body.put("step", rollout == null ? null : rollout.step());
        body.put("canaryWeight", rollout == null ? null : rollout.canaryWeight());
        List<String> addresses = new ArrayList<>();
        int port = md.getSpec().runtime().port();
        for (Pod pod : CanaryMetricsScraper.serving(pods, Labels.TRACK_CANARY, canaryRevision)) {
            addresses.add(CanaryMetricsScraper.address(pod, port));
        }
        body.put("canaryPods", addresses);
        if (md.getSpec().rollout().routedByGateway()) {
            body.put("canaryService", ServingService.trackUrl(md, Labels.TRACK_CANARY));
        }
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings and numbers always serializes", e);
        }
    }
}
