package io.modeldeploy.operator.status;

import static io.modeldeploy.operator.ModelDeployments.IMAGE;
import static io.modeldeploy.operator.ModelDeployments.iris;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.api.v1alpha1.ModelDeploymentStatus;
import io.modeldeploy.operator.resources.ServingDeployment;
import io.modeldeploy.operator.resources.ServingPodTemplate;

class StatusAssessorTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant T1 = Instant.parse("2026-01-01T00:05:00Z");

    @Test
    void withoutADeploymentYetItIsPendingAndReconciling() {
        ModelDeploymentStatus status = assess(iris(), Optional.empty(), List.of(), T0);

        assertThat(status.phase()).isEqualTo(Conditions.PHASE_PENDING);
        assertCondition(status, Conditions.READY, Conditions.FALSE, Conditions.CREATING);
        assertCondition(status, Conditions.RECONCILING, Conditions.TRUE, Conditions.CREATING);
        assertCondition(status, Conditions.STALLED, Conditions.FALSE, Conditions.PROGRESSING);
        assertThat(status.observedGeneration()).isEqualTo(1L);
    }

    @Test
    void aFullyRolledOutDeploymentMakesItReadyAndServingItsVersion() {
        ModelDeploymentStatus status = assess(iris(), Optional.of(deployment(iris(), 2, 2, 2, 2, null)), List.of(), T0);

        assertThat(status.phase()).isEqualTo(Conditions.PHASE_READY);
        assertCondition(status, Conditions.READY, Conditions.TRUE, Conditions.AVAILABLE);
        assertThat(condition(status, Conditions.READY).getMessage()).isEqualTo("2/2 replicas serve model iris version 1.0.0");
        assertCondition(status, Conditions.RECONCILING, Conditions.FALSE, Conditions.RECONCILED);
        assertCondition(status, Conditions.STALLED, Conditions.FALSE, Conditions.RECONCILED);
        assertCondition(status, Conditions.DEGRADED, Conditions.FALSE, "AsSpecified");
        assertThat(status.modelVersion()).isEqualTo("1.0.0");
        assertThat(status.readyReplicas()).isEqualTo(2);
        assertThat(status.replicas()).isEqualTo(2);
        assertThat(status.selector()).isEqualTo("serving.modeldeploy.io/model-deployment=iris");
        assertThat(status.url()).isEqualTo("http://iris.models.svc:80");
        assertThat(status.revision()).isEqualTo(ServingPodTemplate.revision(iris(), IMAGE));
    }

    @Test
    void waitingForAnOciTagsDigestIsReconcilingAndKeepsWhatServes() {
        ModelDeployment md = iris();
        md.setStatus(assess(iris(), Optional.of(deployment(iris(), 2, 2, 2, 2, null)), List.of(), T0));

        ModelDeploymentStatus status = StatusAssessor.waiting(md, Conditions.RESOLVING_MODEL,
                "asking the registry for the digest of oci://ghcr.io/acme/iris:2", T0.plusSeconds(5));

        assertThat(status.phase()).isEqualTo(Conditions.PHASE_PROGRESSING);
        assertCondition(status, Conditions.READY, Conditions.FALSE, Conditions.RESOLVING_MODEL);
        assertCondition(status, Conditions.RECONCILING, Conditions.TRUE, Conditions.RESOLVING_MODEL);
        assertCondition(status, Conditions.STALLED, Conditions.FALSE, Conditions.PROGRESSING);
        assertThat(condition(status, Conditions.RECONCILING).getMessage())
                .isEqualTo("asking the registry for the digest of oci://ghcr.io/acme/iris:2");
        assertThat(status.modelVersion()).as("what serves is unchanged").isEqualTo("1.0.0");
        assertThat(status.readyReplicas()).isEqualTo(2);
    }

    @Test
    void aDeploymentStillRunningAnOlderRevisionIsNotReady() {
        Deployment stale = deployment(iris(), 2, 2, 2, 2, null);
        stale.getSpec().getTemplate().getMetadata().getLabels().put("serving.modeldeploy.io/revision", "0ld");

        ModelDeploymentStatus status = assess(iris(), Optional.of(stale), List.of(), T0);

        assertCondition(status, Conditions.READY, Conditions.FALSE, Conditions.ROLLOUT_IN_PROGRESS);
        assertThat(status.phase()).isEqualTo(Conditions.PHASE_PROGRESSING);
    }

    @Test
    void podsThatFailReadinessAreNamedWhileTheRolloutProgresses() {
        ModelDeploymentStatus status = assess(iris(), Optional.of(deployment(iris(), 2, 1, 2, 1, null)),
                List.of(unreadyPod("iris-abc")), T0);

        assertCondition(status, Conditions.READY, Conditions.FALSE, Conditions.PODS_NOT_READY);
        assertThat(condition(status, Conditions.READY).getMessage())
                .isEqualTo("pod iris-abc is running but fails its readiness probe");
        assertCondition(status, Conditions.RECONCILING, Conditions.TRUE, Conditions.PODS_NOT_READY);
    }

    @Test
    void passingTheProgressDeadlineStallsItWithTheCause() {
        ModelDeploymentStatus status = assess(iris(),
                Optional.of(deployment(iris(), 2, 0, 2, 0, Conditions.PROGRESS_DEADLINE_EXCEEDED)),
                List.of(unreadyPod("iris-abc")), T0);

        assertThat(status.phase()).isEqualTo(Conditions.PHASE_STALLED);
        assertCondition(status, Conditions.READY, Conditions.FALSE, Conditions.PROGRESS_DEADLINE_EXCEEDED);
        assertCondition(status, Conditions.STALLED, Conditions.TRUE, Conditions.PROGRESS_DEADLINE_EXCEEDED);
        assertCondition(status, Conditions.RECONCILING, Conditions.FALSE, Conditions.PROGRESS_DEADLINE_EXCEEDED);
        assertThat(condition(status, Conditions.STALLED).getMessage()).isEqualTo(
                "Deployment iris did not become ready within 600s: pod iris-abc is running but fails its readiness probe");
    }

    @Test
    void aRolledBackCanaryMakesItDegradedAndStalledWhileTheStableRevisionServes() {
        var rolledBack = new io.modeldeploy.operator.rollout.RolloutPlan.State(
                io.modeldeploy.operator.rollout.RolloutPlan.Phase.ROLLED_BACK, "v1", null, 0, null, 0, null, "v2",
                "RolledBack", "revision v2 rolled back: canary pods not ready for 3 checks in a row");

        ModelDeploymentStatus status = StatusAssessor.assess(iris(), new StatusAssessor.Observed(
                Optional.of(deployment(iris(), 2, 2, 2, 2, null)), 2, List.of(), "v2", Optional.of(rolledBack),
                Optional.empty()), T0);

        assertThat(status.phase()).isEqualTo(Conditions.PHASE_ROLLED_BACK);
        assertCondition(status, Conditions.DEGRADED, Conditions.TRUE, Conditions.ROLLED_BACK);
        assertCondition(status, Conditions.STALLED, Conditions.TRUE, Conditions.ROLLED_BACK);
        assertCondition(status, Conditions.READY, Conditions.FALSE, Conditions.ROLLED_BACK);
        assertThat(condition(status, Conditions.DEGRADED).getMessage()).contains("canary pods not ready");
    }

    @Test
    void gatewayTrafficWithoutTheHttpRouteCrdIsStalledWithTheFix() {
        ModelDeployment md = iris();
        ModelDeploymentStatus status = StatusAssessor.assess(md, new StatusAssessor.Observed(
                Optional.of(deployment(md, 2, 2, 2, 2, null)), 2, List.of(), ServingPodTemplate.revision(md, IMAGE),
                Optional.empty(), Optional.of(StatusAssessor.TrafficProblem.gatewayApiMissing())), T0);

        assertThat(status.phase()).isEqualTo(Conditions.PHASE_STALLED);
        assertCondition(status, Conditions.STALLED, Conditions.TRUE, Conditions.GATEWAY_API_MISSING);
        assertCondition(status, Conditions.READY, Conditions.FALSE, Conditions.GATEWAY_API_MISSING);
        assertThat(condition(status, Conditions.STALLED).getMessage())
                .contains("no HTTPRoute CRD", "install the Gateway API CRDs", "ReplicaRatio");
    }

    @Test
    void zeroReplicasIsReadyByRequest() {
        var spec = iris().getSpec();
        ModelDeployment md = io.modeldeploy.operator.ModelDeployments.with(new io.modeldeploy.api.v1alpha1
                .ModelDeploymentSpec(spec.model(), spec.runtime(), 0, null, spec.probes(), null, null, null, 600,
                spec.rollout()));

        ModelDeploymentStatus status = assess(md, Optional.of(deployment(md, 0, 0, 0, 0, null)), List.of(), T0);

        assertCondition(status, Conditions.READY, Conditions.TRUE, Conditions.SCALED_TO_ZERO);
    }

    @Test
    void aConditionKeepsItsTransitionTimeUntilItsStatusChanges() {
        ModelDeployment md = iris();
        md.setStatus(assess(md, Optional.of(deployment(md, 2, 2, 2, 2, null)), List.of(), T0));

        ModelDeploymentStatus later = assess(md, Optional.of(deployment(md, 2, 2, 2, 2, null)), List.of(), T1);
        assertThat(condition(later, Conditions.READY).getLastTransitionTime()).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(later).isEqualTo(md.getStatus());

        ModelDeploymentStatus broken = assess(md, Optional.of(deployment(md, 2, 1, 2, 1, null)),
                List.of(unreadyPod("iris-x")), T1);
        assertThat(condition(broken, Conditions.READY).getLastTransitionTime()).isEqualTo("2026-01-01T00:05:00Z");
        assertThat(broken.modelVersion()).as("the version the pods still serve").isEqualTo("1.0.0");
    }

    private static ModelDeploymentStatus assess(ModelDeployment md, Optional<Deployment> deployment, List<Pod> pods,
            Instant now) {
        return StatusAssessor.assess(md, new StatusAssessor.Observed(deployment,
                ServingDeployment.replicas(md, Optional.empty()), pods, ServingPodTemplate.revision(md, IMAGE)), now);
    }

    static Deployment deployment(ModelDeployment md, int replicas, int ready, int updated, int available,
            String progressReason) {
        Deployment desired = ServingDeployment.desired(md, IMAGE, md.getSpec().replicas());
        var builder = new DeploymentBuilder(desired)
                .editMetadata().withGeneration(3L).endMetadata()
                .editSpec().withReplicas(md.getSpec().replicas()).endSpec()
                .withNewStatus().withObservedGeneration(3L).withReplicas(replicas).withReadyReplicas(ready)
                .withUpdatedReplicas(updated).withAvailableReplicas(available);
        if (progressReason != null) {
            builder = builder.addNewCondition().withType("Progressing").withStatus("False")
                    .withReason(progressReason).endCondition();
        }
        return builder.endStatus().build();
    }

    static Pod unreadyPod(String name) {
        return new PodBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewStatus().withPhase("Running")
                .addNewCondition().withType("Ready").withStatus("False").endCondition()
                .endStatus().build();
    }

    private static Condition condition(ModelDeploymentStatus status, String type) {
        return status.conditions().stream().filter(c -> c.getType().equals(type)).findFirst().orElseThrow();
    }

    private static void assertCondition(ModelDeploymentStatus status, String type, String value, String reason) {
        Condition c = condition(status, type);
        assertThat(c.getStatus()).as(type + " status").isEqualTo(value);
        assertThat(c.getReason()).as(type + " reason").isEqualTo(reason);
        assertThat(c.getObservedGeneration()).isEqualTo(1L);
    }
}
